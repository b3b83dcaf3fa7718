using Microsoft.Extensions.DependencyInjection;
using Orleans.GvmRaft.Prompts;
using Orleans.Storage;

namespace Orleans.GvmRaft.Tests.Backends;

/// <summary>Grain state on SQLite and PostgreSQL (deploy/sql), Redis, Azure Table and Azure Blob storage.</summary>
[Collection(BackendCollection.Name)]
public sealed class PersistenceTests(PostgresServer postgres, RedisServer redis, AzuriteServer azurite)
{
    public static TheoryData<string> Stores => new() { "Sqlite", "PostgreSql", "Redis", "AzureTable", "AzureBlob" };

    // Each store's storage of set and run grains, and of prompt grains where that is another.
    public static TheoryData<string, string> StoragesByStore => new()
    {
        { "Sqlite", GvmStorage.Prompts },
        { "PostgreSql", GvmStorage.Prompts },
        { "Redis", GvmStorage.Prompts },
        { "AzureTable", GvmStorage.Prompts },
        { "AzureTable", GvmStorage.PromptRows },
        { "AzureBlob", GvmStorage.Prompts },
    };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task PromptStatisticsSurviveARestart(string store)
    {
        var settings = await BackendSettings.CreateAsync(postgres, redis, store, azurite: azurite);
        var definition = new PromptDefinition("keep-1", "What is 2 + 2?", "4", VerifierKinds.Exact);
        var report = new RolloutReport("r-1", "run", 1, 0, RolloutStage.Estimate, 8, 3, [1.0, 2.0, 3.0]);
        var logs = new List<string>();
        await using (var silo = await TestSilo.StartAsync(settings))
        {
            var prompt = silo.Grains.GetGrain<IPromptGrain>("keep-1");
            await prompt.DefineAsync(definition);
            Assert.Equal(ReportDisposition.Applied, await prompt.RecordRolloutsAsync(report));
            logs.AddRange(silo.Logs.Lines);
        }

        // The backend itself holds the prompt's state (a state written by the silo, seen by the database's own client).
        Assert.True(await BackendSettings.StoredStatesAsync(settings) >= 1);
        await using (var silo = await TestSilo.StartAsync(settings))
        {
            var prompt = silo.Grains.GetGrain<IPromptGrain>("keep-1");
            var snapshot = (await prompt.GetSnapshotAsync())!;
            Assert.Equal(definition, snapshot.Definition);
            Assert.Equal((8L, 3L), (snapshot.Statistics.Attempts, snapshot.Statistics.Acceptances));
            Assert.Equal(2.0, snapshot.Statistics.GradNorms.Mean, 12);

            // The window of report ids came back too: a retry after the restart still counts once.
            Assert.Equal(ReportDisposition.Duplicate, await prompt.RecordRolloutsAsync(report));
            Assert.Equal(8, (await prompt.GetSnapshotAsync())!.Statistics.Attempts);
            logs.AddRange(silo.Logs.Lines);
        }

        BackendSettings.AssertNoSecrets(logs);
    }

    [Theory]
    [MemberData(nameof(StoragesByStore))]
    public async Task AStaleETagIsRefused(string store, string storageName)
    {
        await using var silo = await TestSilo.StartAsync(await BackendSettings.CreateAsync(postgres, redis, store, azurite: azurite));
        var storage = silo.Host.Services.GetRequiredKeyedService<IGrainStorage>(storageName);
        var id = GrainId.Create("gvm-test", Guid.NewGuid().ToString("N"));
        const string type = "gvm-test";

        var current = new GrainState<PromptState>(new PromptState { Sets = ["a"] });
        await storage.WriteStateAsync(type, id, current);
        string? first = current.ETag;
        Assert.False(string.IsNullOrEmpty(first));

        // A writer that read version `first` and was overtaken.
        var stale = new GrainState<PromptState>(new PromptState { Sets = ["stale"] }) { ETag = first };
        current.State!.Sets.Add("b");
        await storage.WriteStateAsync(type, id, current);
        Assert.NotEqual(first, current.ETag);
        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => storage.WriteStateAsync(type, id, stale));

        // A second activation that never read: its first write must not overwrite either.
        var blind = new GrainState<PromptState>(new PromptState { Sets = ["blind"] });
        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => storage.WriteStateAsync(type, id, blind));

        var read = new GrainState<PromptState>(new PromptState());
        await storage.ReadStateAsync(type, id, read);
        Assert.Equal(["a", "b"], read.State!.Sets);
        Assert.Equal(current.ETag, read.ETag);

        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => storage.ClearStateAsync(type, id, stale));
        await storage.ClearStateAsync(type, id, read);
        var cleared = new GrainState<PromptState>(new PromptState());
        await storage.ReadStateAsync(type, id, cleared);
        Assert.Empty(cleared.State!.Sets);
    }
}
