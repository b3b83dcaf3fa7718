using System.Globalization;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Silo.Backends;
using Orleans.GvmRaft.Tests.Backends;

namespace Orleans.GvmRaft.Tests.Processes;

/// <summary>
/// A real cluster of gvm-silo and gvm-worker processes on loopback over one PostgreSQL database
/// (grain state, membership, reminders), as deploy/local runs it, with fast failure detection and
/// short leases so faults play out in seconds; or one gvm-silo on a SQLite file (localhost
/// clustering), the embedded default's storage in a process of its own.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private readonly List<SiloProcess> _processes = [];
    private readonly Dictionary<string, string> _environment;
    private readonly string _clusterId = $"proc-{Guid.NewGuid():N}"[..20];
    private readonly string _serviceId = $"svc-{Guid.NewGuid():N}"[..16];
    private int _next;
    private int _gatewayPort;

    private ProcessCluster(string store, string connectionString)
    {
        Store = store;
        ConnectionString = connectionString;

        // The connection string travels in the environment, never on a command line.
        _environment = new Dictionary<string, string> { [$"ConnectionStrings__{store}"] = connectionString };
    }

    /// <summary>PostgreSql or Sqlite.</summary>
    public string Store { get; }

    /// <summary>The database.</summary>
    public string ConnectionString { get; }

    /// <summary>Where each worker keeps its completion ledger (<c>Gvm:Worker:Ledger</c>), one file per worker.</summary>
    public string LedgerFolder { get; } = Path.Combine(Path.GetTempPath(), $"gvm-ledgers-{Guid.NewGuid():N}");

    /// <summary>The checkpoint store every worker process shares, as worker silos on a cluster share a volume.</summary>
    public string CheckpointFolder { get; } = Path.Combine(Path.GetTempPath(), $"gvm-process-checkpoints-{Guid.NewGuid():N}");

    /// <summary>The processes started so far, dead or alive.</summary>
    public IReadOnlyList<SiloProcess> Processes => _processes;

    /// <summary>A cluster on a fresh database of <paramref name="postgres"/>.</summary>
    public static async Task<ProcessCluster> CreateAsync(PostgresServer postgres) =>
        new("PostgreSql", postgres.ConnectionString(await postgres.CreateDatabaseAsync()));

    /// <summary>A cluster of <paramref name="store"/>: a fresh PostgreSQL database, or a new SQLite file for one silo at a time.</summary>
    public static async Task<ProcessCluster> CreateAsync(PostgresServer postgres, string store) =>
        store == "Sqlite"
            ? new("Sqlite", $"Data Source={Path.Combine(Path.GetTempPath(), $"gvm-process-{Guid.NewGuid():N}.db")}")
            : await CreateAsync(postgres);

    /// <summary>Starts a silo (no role) and waits until it is active.</summary>
    public Task<SiloProcess> StartSiloAsync() => StartAsync(Executable("silo/Orleans.GvmRaft.Silo", "gvm-silo"), "silo");

    /// <summary>Starts a worker silo and waits until it is active.</summary>
    public Task<SiloProcess> StartWorkerAsync() => StartAsync(Executable("gpu-worker/Orleans.GvmRaft.WorkerSilo", "gvm-worker"), "worker");

    /// <summary>A client that finds the gateways through the membership table.</summary>
    public Task<ClusterConnection> ConnectAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:PostgreSql"] = ConnectionString }).Build();
        var target = Store == "Sqlite"
            ? new ClusterTarget(ClusteringKind.Localhost, _gatewayPort, _clusterId, _serviceId, configuration)
            : new ClusterTarget(ClusteringKind.PostgreSql, 0, _clusterId, _serviceId, configuration);
        return ClusterConnection.ConnectAsync(target, TimeSpan.FromSeconds(30), CancellationToken.None);
    }

    /// <summary>
    /// Stops every process the way an operator restarting the cluster does (SIGTERM): each silo
    /// leaves the membership table, so the next ones join at once.
    /// </summary>
    public async Task StopAllAsync()
    {
        foreach (var process in _processes)
        {
            await process.StopAsync();
        }
    }

    /// <summary>
    /// Marks a killed silo dead in the membership table (PostgreSQL), as the surviving silos would
    /// once they noticed: with none left to notice, a new silo would otherwise try the dead one
    /// for minutes before it joins. Nothing to do for a localhost cluster.
    /// </summary>
    public async Task DeclareDeadAsync(SiloProcess silo)
    {
        if (Store == "Sqlite")
        {
            return;
        }

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE OrleansMembershipTable SET Status = 6 WHERE DeploymentId = @c AND Port = @p", connection);
        command.Parameters.AddWithValue("c", _clusterId);
        command.Parameters.AddWithValue("p", silo.SiloPort);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Every process's output, for a failure message.</summary>
    public string Outputs() => string.Join("\n", _processes.Select(p => $"==== {p.Name}\n{p.Output[Math.Max(0, p.Output.Length - 20000)..]}"));

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        foreach (string folder in new[] { LedgerFolder, CheckpointFolder })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        if (Store == "Sqlite")
        {
            string file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource;
            foreach (string path in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(path);
            }
        }

        return ValueTask.CompletedTask;
    }

    private async Task<SiloProcess> StartAsync(string executable, string kind)
    {
        string name = $"{kind}{++_next}";
        int[] ports = LoopbackPort.Free(2);
        int siloPort = ports[0];
        string[] arguments =
        [
            "--Gvm:Silo:Name", name,
            "--Gvm:Silo:SiloPort", siloPort.ToString(CultureInfo.InvariantCulture),
            // Worker silos open no gateway: clients go through the control silos only, so a test
            // can freeze a worker for a moment without stalling its own calls.
            "--Gvm:Silo:GatewayPort", kind == "worker" ? "0" : ports[1].ToString(CultureInfo.InvariantCulture),
            "--Gvm:Silo:ClusterId", _clusterId,
            "--Gvm:Silo:ServiceId", _serviceId,
            "--Gvm:Silo:Storage", Store,
            "--Gvm:Silo:Clustering", Store == "Sqlite" ? "Localhost" : "PostgreSql",
            "--Gvm:Rollouts:LeaseDuration", "00:00:03",
            "--Gvm:Worker:ClaimSize", "1",
            // The audit of a run compares every iteration's queue records with the ledgers.
            "--Gvm:Rollouts:KeepIterations", "1000",
            "--Gvm:Worker:Ledger", LedgerFolder,
            "--Gvm:Checkpoints:Directory", CheckpointFolder,
            // Failure detection in seconds rather than Orleans' tens of seconds; these tests run
            // alone (ProcessCollection), so a slow probe means a dead silo, not a busy machine.
            "--Orleans:Membership:ProbeTimeout", "00:00:01",
            "--Orleans:Membership:NumMissedProbesLimit", "2",
            "--Orleans:Membership:NumVotesForDeathDeclaration", "1",
            "--Orleans:Membership:EnableIndirectProbes", "false",

            // On failure the test prints each process's output: membership changes, the grain
            // directory's deactivations and the run's steps and claims tell where a run stalled.
            "--Logging:LogLevel:Default", "Warning",
            "--Logging:LogLevel:Orleans.Runtime.MembershipService", "Information",
            "--Logging:LogLevel:Orleans.Runtime.GrainDirectory", "Information",
            "--Logging:LogLevel:Orleans.GvmRaft", "Debug",
        ];
        var process = SiloProcess.Start(executable, name, siloPort, arguments, _environment);
        _processes.Add(process);
        _gatewayPort = kind == "worker" ? _gatewayPort : ports[1];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await (Store == "Sqlite" ? IsListeningAsync(ports[1]) : IsActiveAsync(siloPort)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{name} did not become active:\n{process.Output}");
            }

            await Task.Delay(200);
        }

        return process;
    }

    // A silo with localhost clustering opens its gateway once it is active.
    private static async Task<bool> IsListeningAsync(int gatewayPort)
    {
        using var socket = new System.Net.Sockets.TcpClient();
        try
        {
            await socket.ConnectAsync(System.Net.IPAddress.Loopback, gatewayPort);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private async Task<bool> IsActiveAsync(int siloPort)
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM OrleansMembershipTable WHERE DeploymentId = @c AND Port = @p AND Status = 3", connection);
            command.Parameters.AddWithValue("c", _clusterId);
            command.Parameters.AddWithValue("p", siloPort);
            return (long)(await command.ExecuteScalarAsync())! > 0;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The first silo has not applied the schema yet.
            return false;
        }
    }

    /// <summary>An executable of the solution, built beside this test assembly (bin/CONFIGURATION/net10.0 of its project).</summary>
    public static string Executable(string project, string name)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = output.Name;
        string configuration = output.Parent!.Name;
        string root = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        string path = Path.Combine(root, project, "bin", configuration, framework, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built: build the solution first.", path);
    }
}
