using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Workers;

/// <summary>A policy version as rollout workers load it.</summary>
/// <param name="Version">The policy version.</param>
/// <param name="Settings">The run's policy settings: the preset that builds the model, and how to sample.</param>
/// <param name="Weights">The parameters, float32 in the model's parameter order.</param>
[GenerateSerializer, Immutable]
public sealed record PolicyWeights(
    [property: Id(0)] long Version,
    [property: Id(1)] PolicySettings Settings,
    [property: Id(2)] byte[] Weights);
