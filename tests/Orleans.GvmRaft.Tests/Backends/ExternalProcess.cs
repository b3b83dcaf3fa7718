using System.Diagnostics;

namespace Orleans.GvmRaft.Tests.Backends;

/// <summary>Runs a command to completion, failing with its output when it fails.</summary>
public static class ExternalProcess
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/>; throws with stdout and stderr unless it exits 0.</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cancel.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', info.ArgumentList)} exited {process.ExitCode}: {await stdout}{await stderr}");
        }

        return await stdout;
    }
}
