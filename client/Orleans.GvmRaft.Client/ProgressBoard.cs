using Spectre.Console;

namespace Orleans.GvmRaft.Client;

/// <summary>
/// The tasks of one long command, shown as Spectre's live bars on a terminal or as plain lines
/// (<c>reading 100%, importing 12,000/20,000 (60%)</c>) at most once per interval elsewhere.
/// </summary>
public sealed class ProgressBoard
{
    private readonly ProgressContext? _bars;
    private readonly TextWriter? _lines;
    private readonly TimeProvider _clock = TimeProvider.System;
    private readonly TimeSpan _interval;
    private readonly List<ProgressItem> _items = [];
    private readonly Lock _gate = new();
    private long _lastLine;

    internal ProgressBoard(ProgressContext bars) => _bars = bars;

    /// <summary>A board that writes plain lines to <paramref name="lines"/>, the first once <paramref name="interval"/> has passed.</summary>
    public ProgressBoard(TextWriter lines, TimeProvider clock, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(clock);
        _lines = lines;
        _clock = clock;
        _interval = interval;
        _lastLine = clock.GetTimestamp();
    }

    /// <summary>Adds a task of <paramref name="maxValue"/> units.</summary>
    public ProgressItem AddTask(string description, double maxValue)
    {
        var item = new ProgressItem(this, _bars?.AddTask(description, maxValue: maxValue), description, maxValue);
        lock (_gate)
        {
            _items.Add(item);
        }

        return item;
    }

    // A task moved: a plain line when the interval has passed since the last one.
    internal void Changed()
    {
        if (_lines is null)
        {
            return;
        }

        string line;
        lock (_gate)
        {
            long now = _clock.GetTimestamp();
            if (_clock.GetElapsedTime(_lastLine, now) < _interval)
            {
                return;
            }

            _lastLine = now;
            line = string.Join(", ", _items.Select(i => i.Line));
        }

        _lines.WriteLine(line);
    }
}
