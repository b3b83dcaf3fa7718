using Orleans.GvmRaft.Policy.Training;
using Orleans.GvmRaft.Worker.Presets;

namespace Orleans.GvmRaft.Worker.Training;

/// <summary>
/// A run's trainer in memory on one silo: the model in float32, its optimiser, the held-out set,
/// and the version they are at. Kept between jobs so an update does not reload the model; a job
/// that starts from another version (the last one failed to be recorded, or ran elsewhere) loads
/// that version from the store instead.
/// </summary>
public sealed class TrainerSession(VersionWriter writer, PolicyTrainer trainer, PolicyTaskData data, long version) : IDisposable
{
    /// <summary>Writes versions of the policy being trained.</summary>
    public VersionWriter Writer { get; } = writer;

    /// <summary>The optimiser over the policy's weights.</summary>
    public PolicyTrainer Trainer { get; } = trainer;

    /// <summary>The held-out and warm-up data.</summary>
    public PolicyTaskData Data { get; } = data;

    /// <summary>The version the weights are at.</summary>
    public long Version { get; set; } = version;

    /// <inheritdoc />
    public void Dispose()
    {
        Trainer.Dispose();
        Writer.Dispose();
    }
}
