using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Workers;

/// <summary>What the trainer of an external policy persists.</summary>
[GenerateSerializer]
public sealed class ExternalTrainerState
{
    /// <summary>The run's configuration; null until prepared.</summary>
    [Id(0)]
    public RunConfig? Config { get; set; }

    /// <summary>What made the current version.</summary>
    [Id(1)]
    public PolicyUpdate? LastUpdate { get; set; }
}
