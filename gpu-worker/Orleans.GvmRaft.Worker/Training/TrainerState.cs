using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Worker.Training;

/// <summary>
/// What a trainer persists: the current policy version and its weights, so a trainer that moves to
/// another worker silo goes on from the last version rather than from scratch (the optimiser's
/// moments start afresh there).
/// </summary>
[GenerateSerializer]
public sealed class TrainerState
{
    /// <summary>The run's configuration; null until prepared.</summary>
    [Id(0)]
    public RunConfig? Config { get; set; }

    /// <summary>The current version.</summary>
    [Id(1)]
    public long Version { get; set; }

    /// <summary>Its weights (<c>ParameterBytes</c>).</summary>
    [Id(2)]
    public byte[]? Weights { get; set; }

    /// <summary>What made the current version.</summary>
    [Id(3)]
    public PolicyUpdate? LastUpdate { get; set; }
}
