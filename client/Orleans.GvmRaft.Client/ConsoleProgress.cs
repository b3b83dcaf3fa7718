using Spectre.Console;

namespace Orleans.GvmRaft.Client;

/// <summary>Progress bars on standard error, so standard output stays clean for data.</summary>
public static class ConsoleProgress
{
    /// <summary>A console that writes to <paramref name="error"/>; animated only on a terminal.</summary>
    public static IAnsiConsole For(TextWriter error) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(error),
        Interactive = InteractionSupport.Detect,
    });

    /// <summary>Runs <paramref name="work"/> with a progress display whose tasks it creates as it goes.</summary>
    public static Task<T> RunAsync<T>(TextWriter error, Func<ProgressContext, Task<T>> work) =>
        For(error).Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(work);
}
