using Microsoft.Extensions.DependencyInjection;
using Orleans.GvmRaft.Prompts;
using Orleans.Serialization;
using Orleans.Storage;

namespace Orleans.GvmRaft.Tests.Backends;

/// <summary>
/// Grain state in Azure Table and Blob storage through Orleans' Azure providers, on a throwaway
/// Azurite, read back with Azure's own client library rather than through Orleans.
/// </summary>
[Collection(BackendCollection.Name)]
public sealed class AzureStorageTests(PostgresServer postgres, RedisServer redis, AzuriteServer azurite)
{
    [Theory]
    [InlineData("AzureTable")]
    [InlineData("AzureBlob")]
    public async Task AzuresOwnClientReadsThePromptStateASiloWrote(string store)
    {
        var settings = await BackendSettings.CreateAsync(postgres, redis, store, azurite: azurite);
        await using (var silo = await TestSilo.StartAsync(settings))
        {
            var prompt = silo.Grains.GetGrain<IPromptGrain>("azure-1");
            await prompt.DefineAsync(new PromptDefinition("azure-1", "What is 3 + 4?", "7", VerifierKinds.Exact));
            await prompt.RecordRolloutsAsync(new RolloutReport("r-1", "run", 1, 0, RolloutStage.Estimate, 6, 2, [1.0, 3.0]));
        }

        // The silo is gone: the bytes come from the table entity or the blob, decoded as the
        // provider's serializer (Orleans' binary format) wrote them.
        byte[] stored = store == "AzureTable" ? await ReadEntityAsync(settings) : await ReadBlobAsync(settings);
        await using var services = new ServiceCollection()
            .AddSerializer(b => b.AddAssembly(typeof(PromptState).Assembly).AddAssembly(typeof(PromptDefinition).Assembly))
            .BuildServiceProvider();
        var state = services.GetRequiredService<Serializer>().Deserialize<PromptState>(stored)!;
        Assert.Equal("What is 3 + 4?", state.Definition!.Text);
        Assert.Equal((6L, 2L), (state.Statistics.Attempts, state.Statistics.Acceptances));
        Assert.Equal(["r-1"], state.RecentReportIds);
    }

    [Fact]
    public async Task AStateOverTheTableEntityLimitFailsNamingTheGrainAndWritesNothing()
    {
        var settings = await BackendSettings.CreateAsync(postgres, redis, "AzureTable", azurite: azurite);
        await using var silo = await TestSilo.StartAsync(settings);

        // Through the storage: a small state, then one over the limit with the current ETag.
        var storage = silo.Host.Services.GetRequiredKeyedService<IGrainStorage>(GvmStorage.PromptRows);
        var id = GrainId.Create("prompt", "huge-1");
        var small = new GrainState<PromptState>(new PromptState { Sets = ["a"] });
        await storage.WriteStateAsync("prompt", id, small);
        string? etag = small.ETag;
        var huge = new GrainState<PromptState>(new PromptState { Sets = ["a", new string('x', 1_200_000)] }) { ETag = etag };
        var refused = await Assert.ThrowsAsync<GrainStateTooLargeException>(() => storage.WriteStateAsync("prompt", id, huge));
        Assert.Contains("prompt/huge-1", refused.Message, StringComparison.Ordinal);
        Assert.Contains("983,040 bytes", refused.Message, StringComparison.Ordinal);
        var read = new GrainState<PromptState>(new PromptState());
        await storage.ReadStateAsync("prompt", id, read);
        Assert.Equal(["a"], read.State!.Sets);
        Assert.Equal(etag, read.ETag);

        // Through a grain: the caller gets the message, and the prompt stays undefined.
        var prompt = silo.Grains.GetGrain<IPromptGrain>("huge-2");
        var error = await Assert.ThrowsAnyAsync<Exception>(() => prompt.DefineAsync(new PromptDefinition("huge-2", new string('y', 1_100_000), "1", VerifierKinds.Exact)));
        Assert.Contains("prompt/huge-2", error.Message, StringComparison.Ordinal);
        Assert.Contains("too large for an Azure Table entity", error.Message, StringComparison.Ordinal);
        Assert.Null(await prompt.GetDefinitionAsync());
        Assert.Equal(1, await BackendSettings.StoredStatesAsync(settings));
    }

    // The one prompt entity of the service, its binary chunks (Data, Data1, ...) joined in order.
    private static async Task<byte[]> ReadEntityAsync(Dictionary<string, string?> settings)
    {
        var only = Assert.Single(await BackendSettings.PromptEntitiesAsync(settings));
        var data = new List<byte>(only.GetBinary("Data"));
        for (int i = 1; only.GetBinary($"Data{i}") is { } chunk; i++)
        {
            data.AddRange(chunk);
        }

        return [.. data];
    }

    private static async Task<byte[]> ReadBlobAsync(Dictionary<string, string?> settings)
    {
        var blob = Assert.Single(await BackendSettings.PromptBlobsAsync(settings));
        return (await blob.DownloadContentAsync()).Value.Content.ToArray();
    }
}
