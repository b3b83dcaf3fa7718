using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Workers;

/// <summary>The current policy version of a run, as rollout workers load it.</summary>
/// <param name="Version">The policy version.</param>
/// <param name="Settings">The run's policy settings: prompt format, sampling, device.</param>
/// <param name="Checkpoint">Its files in the checkpoint store; null for a policy the cluster does not train.</param>
[GenerateSerializer, Immutable]
public sealed record PolicyRelease(
    [property: Id(0)] long Version,
    [property: Id(1)] PolicySettings Settings,
    [property: Id(2)] PolicyCheckpoint? Checkpoint);
