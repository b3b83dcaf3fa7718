using Orleans.GvmRaft.Client;
using Orleans.GvmRaft.Embedded;

namespace Orleans.GvmRaft.Tests.Cli;

/// <summary>Runs <c>gvm</c> or <c>gvm-embedded</c> in-process and captures what it prints.</summary>
public static class CliRunner
{
    /// <summary>The exit code and the two streams of one invocation.</summary>
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        /// <summary>Standard output split into non-empty lines.</summary>
        public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Runs <c>gvm</c> with <paramref name="args"/>.</summary>
    public static Task<Result> RunAsync(params string[] args) => CaptureAsync(GvmCli.RunAsync, args);

    /// <summary>Runs <c>gvm</c> with <paramref name="args"/>, cancelled (as by Ctrl-C) through <paramref name="cancellationToken"/>.</summary>
    public static Task<Result> RunAsync(CancellationToken cancellationToken, params string[] args) => CaptureAsync(GvmCli.RunAsync, args, cancellationToken);

    /// <summary>Runs <c>gvm-embedded</c> with <paramref name="args"/>, cancelled (as by Ctrl-C) through <paramref name="cancellationToken"/>.</summary>
    public static Task<Result> RunEmbeddedAsync(CancellationToken cancellationToken, params string[] args) => CaptureAsync(EmbeddedCli.RunAsync, args, cancellationToken);

    /// <summary>Runs <c>gvm-embedded</c> with <paramref name="args"/>.</summary>
    public static Task<Result> RunEmbeddedAsync(params string[] args) => CaptureAsync(EmbeddedCli.RunAsync, args);

    private static async Task<Result> CaptureAsync(Func<string[], TextWriter, TextWriter, CancellationToken, Task<int>> cli, string[] args, CancellationToken cancellationToken = default)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await cli(args, output, error, cancellationToken);
        return new Result(code, output.ToString(), error.ToString());
    }

    /// <summary>Standard error's non-empty lines.</summary>
    public static string[] ErrorLines(this Result result) =>
        (result ?? throw new ArgumentNullException(nameof(result))).Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Writes <paramref name="lines"/> to a new temporary file and returns its path.</summary>
    public static string TempFile(params string[] lines)
    {
        string path = Path.Combine(Path.GetTempPath(), $"gvm-test-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }
}
