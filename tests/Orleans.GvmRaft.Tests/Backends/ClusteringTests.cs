using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Silo.Backends;

namespace Orleans.GvmRaft.Tests.Backends;

/// <summary>Membership and reminders through the official providers on PostgreSQL (deploy/sql), Redis and Azure Table storage.</summary>
[Collection(BackendCollection.Name)]
public sealed class ClusteringTests(PostgresServer postgres, RedisServer redis, AzuriteServer azurite)
{
    [Fact]
    public async Task SilosJoinAndLeaveThePostgreSqlMembershipTable()
    {
        var settings = await BackendSettings.CreateAsync(postgres, redis, "PostgreSql", clustering: "PostgreSql");
        string cluster = settings["Gvm:Silo:ClusterId"]!;
        await using var first = await TestSilo.StartAsync(settings);
        var second = await TestSilo.StartAsync(settings);
        var logs = new List<string>();
        try
        {
            // Both silos wrote themselves into the table and became active (SiloStatus 3).
            await WaitForAsync(async () => (await MembersAsync(settings, cluster)).Count(m => m.Status == 3) == 2);
            var members = await MembersAsync(settings, cluster);
            Assert.Equal(new[] { first.SiloPort, second.SiloPort }.Order(), members.Select(m => m.Port).Order());

            // A client finds a gateway through the table and reaches grains on either silo.
            var target = new ClusterTarget(ClusteringKind.PostgreSql, 0, cluster, settings["Gvm:Silo:ServiceId"]!, Configuration(settings));
            await using (var client = await ClusterConnection.ConnectAsync(target, TimeSpan.FromSeconds(20), CancellationToken.None))
            {
                var definition = new PromptDefinition("member-1", "1+1=", "2", VerifierKinds.Exact);
                await client.Client.GetGrain<IPromptGrain>("member-1").DefineAsync(definition);
                Assert.Equal(definition, await first.Grains.GetGrain<IPromptGrain>("member-1").GetDefinitionAsync());
            }
        }
        finally
        {
            logs.AddRange(second.Logs.Lines);
            await second.DisposeAsync();
        }

        // The silo that left is marked dead (SiloStatus 6); the other stays active.
        var after = await MembersAsync(settings, cluster);
        Assert.Equal(6, after.Single(m => m.Port == second.SiloPort).Status);
        Assert.Equal(3, after.Single(m => m.Port == first.SiloPort).Status);
        BackendSettings.AssertNoSecrets([.. logs, .. first.Logs.Lines]);

        // Orleans logs every provider's options at start-up: the connection strings are there, redacted.
        Assert.Contains(first.Logs.Lines, l => l.Contains("ConnectionString: REDACTED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SilosFormAClusterThroughRedis()
    {
        var settings = await BackendSettings.CreateAsync(postgres, redis, "Redis", clustering: "Redis");
        await using var first = await TestSilo.StartAsync(settings);
        await using var second = await TestSilo.StartAsync(settings);
        var management = first.Grains.GetGrain<IManagementGrain>(0);
        await WaitForAsync(async () => (await management.GetHosts(onlyActive: true)).Count == 2);

        var target = new ClusterTarget(ClusteringKind.Redis, 0, settings["Gvm:Silo:ClusterId"]!, settings["Gvm:Silo:ServiceId"]!, Configuration(settings));
        await using var client = await ClusterConnection.ConnectAsync(target, TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.Equal(2, (await client.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count);
        BackendSettings.AssertNoSecrets([.. first.Logs.Lines, .. second.Logs.Lines]);
    }

    [Fact]
    public async Task SilosFormAClusterThroughAzureTableAndAKilledOneIsDeclaredDead()
    {
        var settings = await BackendSettings.CreateAsync(postgres, redis, "AzureTable", "AzureTable", azurite);
        string cluster = settings["Gvm:Silo:ClusterId"]!;

        // Failure detection in seconds rather than Orleans' tens of seconds.
        var probes = new Dictionary<string, string>
        {
            ["Orleans:Membership:ProbeTimeout"] = "00:00:01",
            ["Orleans:Membership:NumMissedProbesLimit"] = "2",
            ["Orleans:Membership:NumVotesForDeathDeclaration"] = "1",
            ["Orleans:Membership:EnableIndirectProbes"] = "false",
        };
        foreach (var (key, value) in probes)
        {
            settings[key] = value;
        }

        await using var first = await TestSilo.StartAsync(settings);
        int[] ports = LoopbackPort.Free(2);
        string[] arguments =
        [
            "--Gvm:Silo:SiloPort", $"{ports[0]}", "--Gvm:Silo:GatewayPort", $"{ports[1]}",
            "--Gvm:Silo:ClusterId", cluster, "--Gvm:Silo:ServiceId", settings["Gvm:Silo:ServiceId"]!,
            "--Gvm:Silo:Storage", "AzureTable", "--Gvm:Silo:Clustering", "AzureTable",
            .. probes.SelectMany(p => new[] { $"--{p.Key}", p.Value }),
        ];
        using var second = Processes.SiloProcess.Start(
            Processes.ProcessCluster.Executable("silo/Orleans.GvmRaft.Silo", "gvm-silo"), "azure-second", ports[0], arguments,
            new Dictionary<string, string> { ["ConnectionStrings__AzureStorage"] = settings["ConnectionStrings:AzureStorage"]! });

        // Both silos wrote themselves into the membership table and became active.
        await WaitForAsync(async () => (await AzureMembersAsync(settings, cluster)).Count(m => m.Status == "Active") == 2, TimeSpan.FromSeconds(90));
        Assert.Equal(new[] { first.SiloPort, ports[0] }.Order(), (await AzureMembersAsync(settings, cluster)).Select(m => m.Port).Order());

        // A client finds the gateways through the table and reaches a grain on either silo.
        var target = new ClusterTarget(ClusteringKind.AzureTable, 0, cluster, settings["Gvm:Silo:ServiceId"]!, Configuration(settings));
        await using (var client = await ClusterConnection.ConnectAsync(target, TimeSpan.FromSeconds(20), CancellationToken.None))
        {
            var definition = new PromptDefinition("azure-member-1", "1+2=", "3", VerifierKinds.Exact);
            await client.Client.GetGrain<IPromptGrain>("azure-member-1").DefineAsync(definition);
            Assert.Equal(definition, await first.Grains.GetGrain<IPromptGrain>("azure-member-1").GetDefinitionAsync());
        }

        // The gvm command does the same with --clustering AzureTable and the connection string in its environment.
        var (exitCode, shown, error) = await ExternalProcess.CaptureAsync(
            Processes.ProcessCluster.Executable("client/Orleans.GvmRaft.Client", "gvm"),
            ["prompt", "show", "azure-member-1", "--clustering", "AzureTable", "--cluster-id", cluster, "--service-id", settings["Gvm:Silo:ServiceId"]!],
            new Dictionary<string, string?> { ["ConnectionStrings__AzureStorage"] = settings["ConnectionStrings:AzureStorage"] },
            TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, error);
        Assert.Contains("1+2=", shown, StringComparison.Ordinal);

        // kill -9: no goodbye. The survivor notices the missed probes and writes it dead.
        second.Kill();
        await WaitForAsync(async () => (await AzureMembersAsync(settings, cluster)).Single(m => m.Port == ports[0]).Status == "Dead", TimeSpan.FromSeconds(60));
        Assert.Equal("Active", (await AzureMembersAsync(settings, cluster)).Single(m => m.Port == first.SiloPort).Status);
        BackendSettings.AssertNoSecrets([.. first.Logs.Lines, second.Output]);
    }

    [Theory]
    [InlineData("PostgreSql", "PostgreSql")]
    [InlineData("AzureTable", "AzureTable")]
    public async Task AReminderFiresAfterARestart(string store, string clustering)
    {
        var settings = await BackendSettings.CreateAsync(postgres, redis, store, clustering, azurite);
        var probe = Guid.NewGuid();
        static void ShortReminders(ISiloBuilder silo) => silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));

        // Armed to fire in 15 s; the silo is gone long before that.
        await using (var silo = await TestSilo.StartAsync(settings, ShortReminders))
        {
            await silo.Grains.GetGrain<IReminderProbeGrain>(probe).ArmAsync(TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(10));
        }

        Assert.False(ReminderProbeGrain.Fired.ContainsKey(probe));
        await using (var silo = await TestSilo.StartAsync(settings, ShortReminders))
        {
            // Nothing calls the grain: only the reminder table can bring it back.
            await WaitForAsync(() => Task.FromResult(ReminderProbeGrain.Fired.ContainsKey(probe)), TimeSpan.FromSeconds(90));
        }
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private static async Task<List<(int Port, int Status)>> MembersAsync(Dictionary<string, string?> settings, string cluster)
    {
        await using var connection = new NpgsqlConnection(settings["ConnectionStrings:PostgreSql"]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT Port, Status FROM OrleansMembershipTable WHERE DeploymentId = @c", connection);
        command.Parameters.AddWithValue("c", cluster);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, int)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetInt32(1)));
        }

        return rows;
    }

    // The Azure membership table's silo rows (its version row has no port).
    private static async Task<List<(int Port, string Status)>> AzureMembersAsync(Dictionary<string, string?> settings, string cluster)
    {
        var table = new TableClient(settings["ConnectionStrings:AzureStorage"], "OrleansSiloInstances");
        var rows = new List<(int, string)>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {cluster}")))
        {
            if (entity.GetString("Port") is { } port)
            {
                rows.Add((int.Parse(port, System.Globalization.CultureInfo.InvariantCulture), entity.GetString("Status")!));
            }
        }

        return rows;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(200);
        }
    }
}
