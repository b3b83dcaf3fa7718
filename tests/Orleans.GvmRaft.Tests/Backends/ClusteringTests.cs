using Microsoft.Extensions.Configuration;
using Npgsql;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Silo.Backends;

namespace Orleans.GvmRaft.Tests.Backends;

/// <summary>Membership and reminders through the official providers on PostgreSQL (deploy/sql) and Redis.</summary>
[Collection(BackendCollection.Name)]
public sealed class ClusteringTests(PostgresServer postgres, RedisServer redis)
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
    public async Task AReminderFiresAfterARestart()
    {
        var settings = await BackendSettings.CreateAsync(postgres, redis, "PostgreSql", clustering: "PostgreSql");
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
