using System.Diagnostics;
using System.Text;

namespace Orleans.GvmRaft.Tests.Processes;

/// <summary>A gvm-silo or gvm-worker process started by a test, its output kept for the failure message.</summary>
public sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(string name, int siloPort, Process process)
    {
        Name = name;
        SiloPort = siloPort;
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The silo's name (Gvm:Silo:Name).</summary>
    public string Name { get; }

    /// <summary>Its silo port.</summary>
    public int SiloPort { get; }

    /// <summary>The worker id of its rollout worker, when it is a worker silo.</summary>
    public string WorkerId => $"worker-{Name}";

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>What it printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="executable"/> with <paramref name="arguments"/> and <paramref name="environment"/>.</summary>
    public static SiloProcess Start(string executable, string name, int siloPort, IEnumerable<string> arguments, IDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return new SiloProcess(name, siloPort, Process.Start(info) ?? throw new InvalidOperationException($"could not start {executable}."));
    }

    /// <summary>SIGTERM, and wait for a graceful exit (kill -9 after 30 s).</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        await Backends.ExternalProcess.RunAsync("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    /// <summary>
    /// SIGSTOP (<paramref name="frozen"/>) or SIGCONT: a frozen process keeps its leases and
    /// connections but does nothing, so a test can look at the cluster while it holds still.
    /// Keep it short: a silo frozen longer than the failure-detection window is voted dead.
    /// </summary>
    public static Task SignalAsync(IEnumerable<SiloProcess> processes, bool frozen) =>
        Backends.ExternalProcess.RunAsync("kill", [frozen ? "-STOP" : "-CONT", .. processes.Select(p => p._process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    /// <summary>kill -9: no shutdown, no goodbye to the cluster.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(DateTime.UtcNow.ToString("HH:mm:ss.fff ", System.Globalization.CultureInfo.InvariantCulture)).AppendLine(line);
        }
    }
}
