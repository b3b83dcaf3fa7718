using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Tests.Policy;

namespace Orleans.GvmRaft.Tests.Checkpoints;

[Collection(TorchCollection.Name)]
public sealed class CheckpointStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"gvm-store-{Guid.NewGuid():N}");

    [Fact]
    public async Task APublishedVersionOpensWithItsHashAndAFlippedByteIsRefusedNamingTheFile()
    {
        var store = new DirectoryCheckpointStore(_root);
        var stored = await PublishTinyAsync(store, "run/a", 3);
        string folder = await store.OpenAsync(stored);
        Assert.True(File.Exists(Path.Combine(folder, "model.safetensors")));
        Assert.Equal(
            ["config.json", "model.safetensors"],
            (await store.FilesAsync(stored.Location)).Select(f => f.Name).Order(StringComparer.Ordinal));

        // One byte of the weights changed: the manifest's hash still matches, the file's does not.
        string weights = Path.Combine(folder, "model.safetensors");
        byte[] bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(weights, bytes);
        var e = await Assert.ThrowsAsync<CorruptCheckpointException>(() => store.OpenAsync(stored));
        Assert.Contains("model.safetensors", e.Message);
        Assert.Contains("SHA-256", e.Message);

        // Another hash than recorded: the manifest itself is refused.
        await Assert.ThrowsAsync<CorruptCheckpointException>(() => store.OpenAsync(stored with { Hash = new string('0', 64) }));
    }

    [Fact]
    public async Task PruningKeepsTheNewestVersionsAndDropsLeftovers()
    {
        var store = new DirectoryCheckpointStore(_root);
        var published = new List<StoredCheckpoint>();
        for (int v = 0; v < 4; v++)
        {
            published.Add(await PublishTinyAsync(store, "r", v));
        }

        var orphan = await PublishTinyAsync(store, "r", 3); // a retried version 3 whose first attempt was never recorded
        store.CreateStaging("r", 4);
        await store.PruneAsync("r", published[3], keep: 2);

        Assert.Equal(
            [Path.GetFileName(published[2].Location), Path.GetFileName(published[3].Location)],
            Directory.GetDirectories(Path.Combine(_root, "r")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.NotNull(await store.OpenAsync(published[2]));
        await Assert.ThrowsAsync<CorruptCheckpointException>(() => store.OpenAsync(orphan));
    }

    [Fact]
    public async Task TwoRunsWhoseIdsOnceSharedAFolderEachKeepTheirVersions()
    {
        // 'a/b' and 'a_b' were both stored under 'a_b', so each prune removed the other's versions.
        var store = new DirectoryCheckpointStore(_root);
        var slash = new List<StoredCheckpoint>();
        var underscore = new List<StoredCheckpoint>();
        for (int v = 0; v < 3; v++)
        {
            slash.Add(await PublishTinyAsync(store, "a/b", v));
            underscore.Add(await PublishTinyAsync(store, "a_b", v));
            store.CreateStaging("a/b", v + 1);
            await store.PruneAsync("a_b", underscore[v], keep: 2);
        }

        await store.PruneAsync("a/b", slash[2], keep: 2);
        Assert.Equal(["a_b", "a~2Fb"], Directory.GetDirectories(_root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var kept in slash.Skip(1).Concat(underscore.Skip(1)))
        {
            Assert.NotNull(await store.OpenAsync(kept));
        }

        Assert.Equal(2, Directory.GetDirectories(Path.Combine(_root, "a~2Fb")).Length);
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(_root, "a_b")).Length);

        // Deleting one run takes its whole folder and nothing of the other's.
        await store.DeleteRunAsync("a/b");
        Assert.Equal(["a_b"], Directory.GetDirectories(_root).Select(Path.GetFileName));
        Assert.NotNull(await store.OpenAsync(underscore[2]));
    }

    [Fact]
    public void WeightsAboveTheShardSizeAreShardedWithAnIndexAndLoadBackEqual()
    {
        using var model = TinyModels.Create(TinyModels.Llama(tied: false), seed: 3);
        string folder = Path.Combine(_root, "sharded");
        long total = model.parameters().Sum(p => p.numel() * 4);

        // Saved whole first (as the exported built-in model is), then sharded over it: the single file must not shadow the shards.
        using (var earlier = TinyModels.Create(TinyModels.Llama(tied: false), seed: 4))
        {
            HfCheckpoint.Save(earlier, folder);
        }

        HfCheckpoint.Save(model, folder, maxShardBytes: total / 3);

        var shards = Directory.GetFiles(folder, "model-*-of-*.safetensors");
        Assert.True(shards.Length >= 3, $"{shards.Length} shards");
        Assert.False(File.Exists(Path.Combine(folder, "model.safetensors")));
        using var loaded = HfCheckpoint.Load(folder);
        foreach (var ((name, expected), (_, actual)) in model.named_parameters().Zip(loaded.named_parameters()))
        {
            Assert.True(expected.allclose(actual, rtol: 0, atol: 0), $"{name} differs after the sharded round trip");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static async Task<StoredCheckpoint> PublishTinyAsync(DirectoryCheckpointStore store, string runId, long version)
    {
        using var model = TinyModels.Create(TinyModels.Llama(tied: false), seed: version + 1);
        string staging = store.CreateStaging(runId, version);
        HfCheckpoint.Save(model, staging);
        return await store.PublishAsync(runId, version, staging);
    }
}
