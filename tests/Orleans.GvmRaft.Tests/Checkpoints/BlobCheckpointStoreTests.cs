using Azure.Storage.Blobs;
using Orleans.GvmRaft.Embedded.Hosting;
using Orleans.GvmRaft.Embedded.Train;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Tests.Backends;
using Orleans.GvmRaft.Tests.Policy;
using Orleans.GvmRaft.Worker.Checkpoints;

namespace Orleans.GvmRaft.Tests.Checkpoints;

/// <summary>The checkpoint store in Azure Blob storage, on a real Azurite.</summary>
[Collection(TorchCollection.Name)]
public sealed class BlobCheckpointStoreTests : IClassFixture<AzuriteServer>, IDisposable
{
    private readonly AzuriteServer _azurite;
    private readonly BlobContainerClient _container;
    private readonly string _cache = Path.Combine(Path.GetTempPath(), $"gvm-blob-cache-{Guid.NewGuid():N}");

    public BlobCheckpointStoreTests(AzuriteServer azurite)
    {
        _azurite = azurite;
        _container = new BlobContainerClient(azurite.ConnectionString, $"c{Guid.NewGuid():N}");
    }

    [Fact]
    public async Task AVersionIsUploadedWholeDownloadedOnceCheckedAndAFlippedByteIsRefused()
    {
        var store = new BlobCheckpointStore(_container, _cache);
        var stored = await PublishAsync(store, "run/b", 2, seed: 3);

        // Azure's own client sees the version's blobs, manifest included.
        var names = _container.GetBlobs().Select(b => b.Name).ToList();
        Assert.Equal(
            [$"{stored.Location}/config.json", $"{stored.Location}/manifest.json", $"{stored.Location}/model.safetensors"],
            names.Order(StringComparer.Ordinal));

        string folder = await store.OpenAsync(stored);
        byte[] weights = File.ReadAllBytes(Path.Combine(folder, "model.safetensors"));
        Assert.Equal(weights[100..164], await store.ReadAsync(stored.Location, "model.safetensors", 100, 64));
        using (var loaded = HfCheckpoint.Load(folder))
        using (var original = TinyModels.Create(TinyModels.Llama(tied: false), seed: 3))
        {
            Assert.All(loaded.parameters().Zip(original.parameters()), p => Assert.True(p.First.allclose(p.Second, rtol: 0, atol: 0)));
        }

        // A byte of the stored weights changed: a reader with an empty cache refuses the version.
        weights[^1] ^= 0x01;
        _container.GetBlobClient($"{stored.Location}/model.safetensors").Upload(new BinaryData(weights), overwrite: true);
        var fresh = new BlobCheckpointStore(_container, _cache + "-fresh");
        var e = await Assert.ThrowsAsync<CorruptCheckpointException>(() => fresh.OpenAsync(stored));
        Assert.Contains("model.safetensors", e.Message);
    }

    [Fact]
    public async Task PruningDeletesTheBlobsOfOldVersions()
    {
        var store = new BlobCheckpointStore(_container, _cache);
        var versions = new List<StoredCheckpoint>();
        for (int v = 0; v < 3; v++)
        {
            versions.Add(await PublishAsync(store, "r", v, seed: v + 1));
        }

        await store.PruneAsync("r", versions[2], keep: 2);

        var left = _container.GetBlobs().Select(b => b.Name.Split('/')[1]).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal([Path.GetFileName(versions[1].Location), Path.GetFileName(versions[2].Location)], left);
        await Assert.ThrowsAsync<CorruptCheckpointException>(() => new BlobCheckpointStore(_container, _cache + "-other").OpenAsync(versions[0]));
    }

    [Fact]
    public async Task APruneLeavesTheVersionsOfARunWhoseIdOnceSharedItsPrefix()
    {
        var store = new BlobCheckpointStore(_container, _cache);
        var other = await PublishAsync(store, "a/b", 0, seed: 1);
        var versions = new List<StoredCheckpoint>();
        for (int v = 0; v < 3; v++)
        {
            versions.Add(await PublishAsync(store, "a_b", v, seed: v + 2));
        }

        await store.PruneAsync("a_b", versions[2], keep: 1);
        Assert.Equal(
            [versions[2].Location, other.Location], // 'a_b/…' sorts before 'a~2Fb/…'
            _container.GetBlobs().Select(b => b.Name[..b.Name.LastIndexOf('/')]).Distinct().Order(StringComparer.Ordinal));
        Assert.NotNull(await new BlobCheckpointStore(_container, _cache + "-other").OpenAsync(other));

        // Deleting a run takes its blobs and its cached copies, and nothing of the other's.
        await store.OpenAsync(versions[2]);
        await store.DeleteRunAsync("a_b");
        Assert.Equal([other.Location], _container.GetBlobs().Select(b => b.Name[..b.Name.LastIndexOf('/')]).Distinct());
        Assert.False(Directory.Exists(Path.Combine(_cache, "a_b")));
        Assert.NotNull(await new BlobCheckpointStore(_container, _cache + "-third").OpenAsync(other));
    }

    [Fact]
    public async Task ARunWhoseSiloStoresCheckpointsInBlobStorageTrainsAndLeavesItsVersionsThere()
    {
        string container = $"c{Guid.NewGuid():N}";
        await using var cluster = await EmbeddedSilo.StartAsync(CancellationToken.None, worker: true, settings: new Dictionary<string, string?>
        {
            ["Gvm:Checkpoints:Store"] = "AzureBlob",
            ["Gvm:Checkpoints:Container"] = container,
            ["ConnectionStrings:AzureStorage"] = _azurite.ConnectionString,
        });
        string output = Path.Combine(Path.GetTempPath(), $"gvm-blob-run-{Guid.NewGuid():N}");
        var settings = new TrainSettings(
            Seed: 12, Iterations: 2, BatchSize: 4, Stage1Samples: 4, Budget: 16, TrainPrompts: 12, EvalPrompts: 6,
            EvalEvery: 1, WarmupSteps: 5, WarmupExamples: 12, Output: output);
        var metrics = await new ArithmeticRun(cluster.Client, settings).RunAsync();
        Assert.Equal([0L, 32L, 64L], metrics.Select(m => m.Samples));

        // Versions 1 and 2 are kept in the container (Keep = 2); the run folder's checkpoint is version 2.
        var blobs = new BlobContainerClient(_azurite.ConnectionString, container);
        var versions = blobs.GetBlobs().Select(b => b.Name.Split('/')[1][..7]).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(["v000001", "v000002"], versions);
        using var final = HfCheckpoint.Load(Path.Combine(output, "checkpoint"));
        Assert.Equal(22, final.Config.VocabSize);
        blobs.DeleteIfExists();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _container.DeleteIfExists();
        foreach (string folder in new[] { _cache, _cache + "-fresh", _cache + "-other" })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task<StoredCheckpoint> PublishAsync(BlobCheckpointStore store, string runId, long version, long seed)
    {
        using var model = TinyModels.Create(TinyModels.Llama(tied: false), seed);
        string staging = store.CreateStaging(runId, version);
        HfCheckpoint.Save(model, staging);
        return await store.PublishAsync(runId, version, staging);
    }
}
