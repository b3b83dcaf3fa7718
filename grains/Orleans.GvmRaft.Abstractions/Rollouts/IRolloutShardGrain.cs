namespace Orleans.GvmRaft.Rollouts;

/// <summary>
/// A slice of one run's rollout work: up to <c>Gvm:Rollouts:ShardSize</c> items of one iteration
/// and stage, keyed <c>run/iteration/stage/index</c>. Only the run's <see cref="IRolloutQueueGrain"/>
/// calls it; each shard persists its own items, so a batch of results writes one small state
/// instead of the whole iteration's. Claims and renewals write nothing: leases live in memory and
/// are stored with the shard's next write.
/// </summary>
public interface IRolloutShardGrain : IGrainWithStringKey
{
    /// <summary>Adds work; an item id already known is ignored.</summary>
    Task EnqueueAsync(RolloutWorkItem[] items);

    /// <summary>Leases up to <paramref name="max"/> items: pending ones first, then ones whose lease expired.</summary>
    Task<ShardClaim> ClaimAsync(string workerId, int max);

    /// <summary>Renews a worker's leases; see <see cref="IRolloutQueueGrain.RenewAsync"/>.</summary>
    Task<string[]> RenewAsync(string workerId, string[] itemIds);

    /// <summary>Throws what <see cref="CompleteManyAsync"/> would refuse, changing nothing.</summary>
    Task CheckAsync(ItemResults[] results);

    /// <summary>Records results (outbox, then the prompts, then done); see <see cref="IRolloutQueueGrain.CompleteManyAsync"/>.</summary>
    Task<CompletionDisposition[]> CompleteManyAsync(string workerId, ItemResults[] results);

    /// <summary>Marks an item as impossible to do; see <see cref="IRolloutQueueGrain.FailAsync"/>.</summary>
    Task FailAsync(string itemId, string workerId, string reason);

    /// <summary>Excludes an item whose prompt cannot be sampled; see <see cref="IRolloutQueueGrain.ExcludeAsync"/>.</summary>
    Task ExcludeAsync(string itemId, string workerId, string reason);

    /// <summary>The responses kept for its completed items, in the order they were enqueued.</summary>
    Task<RolloutResponses[]> GetResponsesAsync();

    /// <summary>Counts of its items.</summary>
    Task<QueueProgress> GetProgressAsync();

    /// <summary>Its items, in the order they were enqueued.</summary>
    Task<WorkItemRecord[]> GetItemsAsync();

    /// <summary>Drops its items and its stored state (the iteration is history).</summary>
    Task ClearAsync();
}
