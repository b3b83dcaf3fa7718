using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Worker.Training;

/// <summary>
/// What a trainer persists: the current policy version and where its files are. The weights and
/// the optimiser's state live in the checkpoint store, so this stays a few hundred bytes whatever
/// the model's size, and a trainer that moves to another worker silo resumes exactly.
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

    /// <summary>What made the current version.</summary>
    [Id(3)]
    public PolicyUpdate? LastUpdate { get; set; }

    /// <summary>The current version's files in the checkpoint store.</summary>
    [Id(4)]
    public PolicyCheckpoint? Checkpoint { get; set; }

    /// <summary>The version with the best held-out accuracy so far (the first of equals), kept by pruning when <c>Gvm:Checkpoints:KeepBest</c> is on.</summary>
    [Id(5)]
    public PolicyCheckpoint? Best { get; set; }

    /// <summary>The held-out accuracy of <see cref="Best"/>.</summary>
    [Id(6)]
    public double? BestAccuracy { get; set; }
}
