using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Rollouts;

/// <summary>One iteration and stage of a run's queue: how many shards hold it and which holds each item.</summary>
[GenerateSerializer]
public sealed class QueuedStage
{
    /// <summary>The iteration.</summary>
    [Id(0)]
    public int Iteration { get; set; }

    /// <summary>The stage.</summary>
    [Id(1)]
    public RolloutStage Stage { get; set; }

    /// <summary>Shards in use, numbered from 0; items fill them in the order they were enqueued.</summary>
    [Id(2)]
    public int Shards { get; set; }

    /// <summary>Each item's shard.</summary>
    [Id(3)]
    public Dictionary<string, int> ItemShards { get; set; } = new(StringComparer.Ordinal);
}
