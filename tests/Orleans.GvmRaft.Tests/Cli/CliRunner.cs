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

    /// <summary>Runs <c>gvm-embedded</c> with <paramref name="args"/>.</summary>
    public static Task<Result> RunEmbeddedAsync(params string[] args) => CaptureAsync(EmbeddedCli.RunAsync, args);

    private static async Task<Result> CaptureAsync(Func<string[], TextWriter, TextWriter, CancellationToken, Task<int>> cli, string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await cli(args, output, error, CancellationToken.None);
        return new Result(code, output.ToString(), error.ToString());
    }

    /// <summary>Writes <paramref name="lines"/> to a new temporary file and returns its path.</summary>
    public static string TempFile(params string[] lines)
    {
        string path = Path.Combine(Path.GetTempPath(), $"gvm-test-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }
}
