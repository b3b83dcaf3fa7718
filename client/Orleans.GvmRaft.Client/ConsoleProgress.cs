using Spectre.Console;

namespace Orleans.GvmRaft.Client;

/// <summary>
/// Progress on standard error, so standard output stays clean for data: live bars on a terminal;
/// elsewhere (a log, a pipe, a CI job) plain lines, at most one every <see cref="PlainInterval"/>,
/// and none at all for work that ends sooner, so a failing command still says one line.
/// </summary>
public static class ConsoleProgress
{
    /// <summary>The least time between two plain progress lines.</summary>
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);

    /// <summary>A console that writes to <paramref name="error"/>; animated only on a terminal.</summary>
    public static IAnsiConsole For(TextWriter error) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(error),
        Interactive = InteractionSupport.Detect,
    });

    /// <summary>Runs <paramref name="work"/> with a progress display whose tasks it creates as it goes.</summary>
    public static Task<T> RunAsync<T>(TextWriter error, Func<ProgressBoard, Task<T>> work, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        var console = For(error);
        return console.Profile.Capabilities.Interactive
            ? console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(bars => work(new ProgressBoard(bars)))
            : work(new ProgressBoard(error, clock ?? TimeProvider.System, PlainInterval));
    }
}
