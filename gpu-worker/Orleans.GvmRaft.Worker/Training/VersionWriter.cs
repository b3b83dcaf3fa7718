using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Policy.Tasks;
using Orleans.GvmRaft.Policy.Training;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Worker.Policies;

namespace Orleans.GvmRaft.Worker.Training;

/// <summary>
/// Writes a trainer's policy versions to the checkpoint store: the weights (sharded above a size),
/// the model directory's companion files (config and tokenizer, kept from the source so every
/// version is a complete Hugging Face checkpoint) and the optimiser's state.
/// </summary>
public sealed class VersionWriter : IDisposable
{
    /// <summary>The optimiser state's file in a version.</summary>
    public const string OptimizerFile = "optimizer.bin";

    private readonly ICheckpointStore _store;
    private readonly string _runId;
    private readonly long _shardBytes;
    private readonly Dictionary<string, byte[]> _companions;

    /// <summary>Writes versions of <paramref name="policy"/>, whose directory supplies the companion files.</summary>
    public VersionWriter(ICheckpointStore store, string runId, long shardBytes, LoadedPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _store = store;
        _runId = runId;
        _shardBytes = shardBytes;
        Policy = policy;
        // Read once: the source (or the staging folder of version 0) is gone or moved by the time later versions are written.
        _companions = ModelDirectory.CompanionFiles
            .Select(name => (name, path: Path.Combine(policy.Directory.Folder, name)))
            .Where(f => File.Exists(f.path))
            .ToDictionary(f => f.name, f => File.ReadAllBytes(f.path));
    }

    /// <summary>The policy being trained.</summary>
    public LoadedPolicy Policy { get; }

    /// <summary>
    /// The model directory a run starts from: <see cref="PolicySettings.Model"/>, or the built-in
    /// arithmetic decoder, freshly initialised from the seed and exported into <paramref name="scratch"/>.
    /// </summary>
    public static string Source(PolicySettings settings, string scratch)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Model is { } model)
        {
            return model;
        }

        using var fresh = ArithmeticModel.Create(settings.Seed);
        ArithmeticModel.Export(fresh, scratch);
        return scratch;
    }

    /// <summary>Whether <paramref name="name"/> belongs to the Hugging Face checkpoint (not the optimiser state or the manifest).</summary>
    public static bool IsModelFile(string name) => name is not OptimizerFile and not CheckpointManifest.FileName;

    /// <summary>Writes the current weights and <paramref name="trainer"/>'s state into <paramref name="staging"/> and publishes it as <paramref name="version"/>.</summary>
    public Task<StoredCheckpoint> PublishAsync(long version, PolicyTrainer trainer, string staging)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        HfCheckpoint.Save(Policy.Model, staging, _shardBytes);
        foreach (var (name, bytes) in _companions)
        {
            File.WriteAllBytes(Path.Combine(staging, name), bytes);
        }

        trainer.SaveOptimizer(Path.Combine(staging, OptimizerFile));
        return _store.PublishAsync(_runId, version, staging);
    }

    /// <inheritdoc />
    public void Dispose() => Policy.Dispose();
}
