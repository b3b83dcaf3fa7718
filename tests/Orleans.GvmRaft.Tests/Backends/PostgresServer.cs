using Npgsql;
using Orleans.GvmRaft.Client.Cluster;

namespace Orleans.GvmRaft.Tests.Backends;

/// <summary>
/// A throwaway PostgreSQL server from Debian's packages (deploy/test.sh installs them): initdb in a
/// temporary folder, listening on a free loopback port, password authentication, stopped and
/// deleted at the end. Tests that need it fail, not skip, when PostgreSQL is missing.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    /// <summary>The superuser's password; tests check it never reaches a log.</summary>
    public const string Password = "pg-secret-7f3a91";

    private string _folder = null!;
    private string _bin = null!;
    private bool _asPostgresUser;

    /// <summary>The server's port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>A connection string for <paramref name="database"/>; a few processes' pools stay under the server's 200 connections.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=gvm;Password={Password};Database={database};Maximum Pool Size=30";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderByDescending(b => b, StringComparer.Ordinal).FirstOrDefault() ?? ""
            : "";
        if (_bin.Length == 0)
        {
            throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run the tests with deploy/test.sh, which installs it.");
        }

        // initdb refuses to run as root: the server then runs as the packages' postgres user.
        _asPostgresUser = Environment.UserName == "root";
        _folder = Path.Combine(Path.GetTempPath(), $"gvm-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_folder);
        string passwordFile = Path.Combine(_folder, "password");
        await File.WriteAllTextAsync(passwordFile, Password);
        if (_asPostgresUser)
        {
            await ExternalProcess.RunAsync("chown", ["-R", "postgres", _folder]);
        }

        await PgAsync("initdb", "-D", Data, "-U", "gvm", $"--pwfile={passwordFile}", "--auth-host=scram-sha-256", "--auth-local=trust", "--no-sync", "-E", "UTF8");
        Port = LoopbackPort.Free();
        string options = $"-c listen_addresses=127.0.0.1 -p {Port} -k {_folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
        await PgAsync("pg_ctl", "-D", Data, "-l", Path.Combine(_folder, "server.log"), "-w", "-o", options, "start");
    }

    /// <summary>A fresh, empty database.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        string name = $"gvm_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return name;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await PgAsync("pg_ctl", "-D", Data, "-m", "immediate", "stop");
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private string Data => Path.Combine(_folder, "data");

    private Task<string> PgAsync(string tool, params string[] arguments) => _asPostgresUser
        ? ExternalProcess.RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments])
        : ExternalProcess.RunAsync(Path.Combine(_bin, tool), arguments);
}
