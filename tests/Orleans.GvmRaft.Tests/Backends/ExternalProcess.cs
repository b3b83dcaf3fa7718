using System.Diagnostics;

namespace Orleans.GvmRaft.Tests.Backends;

/// <summary>Runs a command to completion and captures what it printed.</summary>
public static class ExternalProcess
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/>; throws with stdout and stderr unless it exits 0.</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var result = await CaptureAsync(file, arguments, timeout: timeout);
        return result.ExitCode == 0
            ? result.Output
            : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Output}{result.Error}");
    }

    /// <summary>
    /// Runs <paramref name="file"/> with <paramref name="arguments"/> and <paramref name="environment"/>
    /// (2 minutes unless <paramref name="timeout"/>); one that runs past it is killed, and the wait throws.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> CaptureAsync(
        string file, IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}.");
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(cancel.Token);
        var stderr = process.StandardError.ReadToEndAsync(cancel.Token);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            return (process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException)
        {
            // Leave nothing running behind a failed test.
            process.Kill(entireProcessTree: true);
            throw;
        }
    }
}
