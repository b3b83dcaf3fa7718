using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Rollouts;

/// <summary>
/// The rollout work of one training run, keyed by run id. Orleans streams broadcast to every
/// subscriber, so competing workers claim items here instead: a claim leases an item to one
/// worker, an expired lease is issued again, and the first results for an item win.
/// </summary>
public interface IRolloutQueueGrain : IGrainWithStringKey
{
    /// <summary>Adds work; an item id already known is ignored, so a retried enqueue is safe.</summary>
    Task EnqueueAsync(RolloutWorkItem[] items);

    /// <summary>Leases up to <paramref name="max"/> items to <paramref name="workerId"/>: pending ones first, then ones whose lease expired.</summary>
    Task<RolloutLease[]> ClaimAsync(string workerId, int max);

    /// <summary>
    /// Extends, by one lease duration from now, the leases <paramref name="workerId"/> still holds
    /// on <paramref name="itemIds"/>, so work that outlasts a lease is not issued again; returns the
    /// ids renewed. An item done, failed, unknown or leased to another worker since is not renewed.
    /// </summary>
    Task<string[]> RenewAsync(string workerId, string[] itemIds);

    /// <summary>
    /// Records a worker's results for an item into the prompt grain (report id = item id) and marks
    /// the item done, keeping <paramref name="responses"/> for the trainer. Results for an item
    /// already done are a no-op.
    /// </summary>
    Task<CompletionDisposition> CompleteAsync(string itemId, string workerId, RolloutReport report, RolloutResponses? responses = null);

    /// <summary>
    /// Marks an item as impossible to do (its prompt cannot be sampled, e.g. longer than the
    /// model's context): it is not issued again, and the run stops with <paramref name="reason"/>.
    /// </summary>
    Task FailAsync(string itemId, string workerId, string reason);

    /// <summary>
    /// Excludes an item whose prompt cannot be sampled by the run's policy (it does not fit the
    /// model's context, or the tokenizer cannot encode it): the item counts as done with nothing
    /// drawn, so the prompt is never trained on and the run goes on; <paramref name="reason"/>
    /// names the prompt and is listed in the run's status.
    /// </summary>
    Task ExcludeAsync(string itemId, string workerId, string reason);

    /// <summary>
    /// <see cref="CompleteAsync"/> for many items in one call (and one write of the queue): what a
    /// worker sends after a claim. Every result is checked before any counts.
    /// </summary>
    Task<CompletionDisposition[]> CompleteManyAsync(string workerId, ItemResults[] results);

    /// <summary>The responses kept for the completed items of <paramref name="iteration"/>, both stages.</summary>
    Task<RolloutResponses[]> GetResponsesAsync(int iteration);

    /// <summary>
    /// Every item of one iteration and stage as the queue records it: who holds it, who completed
    /// it, and the counts it recorded. Kept for the last <c>Gvm:Rollouts:KeepIterations</c> iterations.
    /// </summary>
    Task<WorkItemRecord[]> GetItemsAsync(int iteration, RolloutStage stage);

    /// <summary>Counts of the items of one iteration and stage.</summary>
    Task<QueueProgress> GetProgressAsync(int iteration, RolloutStage stage);

    /// <summary>Drops every shard's items and the queue's own stored state (the run is deleted).</summary>
    Task DeleteAsync();
}
