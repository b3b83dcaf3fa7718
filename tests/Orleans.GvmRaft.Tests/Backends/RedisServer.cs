using System.Diagnostics;
using Orleans.GvmRaft.Client.Cluster;
using StackExchange.Redis;

namespace Orleans.GvmRaft.Tests.Backends;

/// <summary>
/// A throwaway Redis server from Debian's packages (deploy/test.sh installs it) on a free loopback
/// port, with a password and no persistence, killed at the end.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    /// <summary>The server's password; tests check it never reaches a log.</summary>
    public const string Password = "redis-secret-5c21e8";

    private Process? _process;

    /// <summary>The server's port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>A StackExchange.Redis connection string for the server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},password={Password}";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        string? server = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Redis is not installed (no redis-server): run the tests with deploy/test.sh, which installs it.");
        Port = LoopbackPort.Free();
        var info = new ProcessStartInfo(server) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "--port", $"{Port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--requirepass", Password })
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start redis-server.");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
                await connection.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }
}
