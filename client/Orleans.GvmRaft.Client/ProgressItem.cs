using System.Globalization;
using Spectre.Console;

namespace Orleans.GvmRaft.Client;

/// <summary>One task of a <see cref="ProgressBoard"/>.</summary>
public sealed class ProgressItem
{
    private readonly ProgressBoard _board;
    private readonly ProgressTask? _bar;
    private string _description;
    private double _value;
    private double _maxValue;

    internal ProgressItem(ProgressBoard board, ProgressTask? bar, string description, double maxValue)
    {
        _board = board;
        _bar = bar;
        _description = description;
        _maxValue = maxValue;
    }

    /// <summary>What the task does.</summary>
    public string Description
    {
        get => _description;
        set
        {
            _description = value;
            _bar?.Description = value;
        }
    }

    /// <summary>Units done.</summary>
    public double Value
    {
        get => _value;
        set
        {
            _value = value;
            _bar?.Value = value;
            _board.Changed();
        }
    }

    /// <summary>Units in all.</summary>
    public double MaxValue
    {
        get => _maxValue;
        set
        {
            _maxValue = value;
            _bar?.MaxValue = value;
        }
    }

    internal string Line => _maxValue <= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{_description} {Math.Min(100, 100 * _value / Math.Max(_maxValue, 1e-9)):F0}%")
        : string.Create(CultureInfo.InvariantCulture, $"{_description} {_value:N0}/{_maxValue:N0} ({100 * _value / _maxValue:F0}%)");
}
