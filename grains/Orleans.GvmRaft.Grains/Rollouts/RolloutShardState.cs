namespace Orleans.GvmRaft.Rollouts;

/// <summary>What a rollout shard persists: its items in the order they were enqueued.</summary>
[GenerateSerializer]
public sealed class RolloutShardState
{
    /// <summary>Items by id.</summary>
    [Id(0)]
    public Dictionary<string, WorkItemState> Items { get; set; } = [];

    /// <summary>Item ids, oldest first: claims go in this order.</summary>
    [Id(1)]
    public List<string> Order { get; set; } = [];
}
