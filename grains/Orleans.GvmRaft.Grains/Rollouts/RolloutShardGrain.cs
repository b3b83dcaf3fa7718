using Microsoft.Extensions.Options;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Telemetry;

namespace Orleans.GvmRaft.Rollouts;

/// <summary>
/// A slice of one run's leased rollout work (see <see cref="IRolloutShardGrain"/>). Leases are
/// kept in memory: a claim or a renewal writes nothing, and they reach storage with the shard's
/// next write (work enqueued, results recorded). A lease is a promise about the next minutes,
/// not a fact to recover: a shard whose silo died forgets the leases it had not written, its
/// items are claimable again at once, and the results of the worker that still holds one are
/// accepted all the same, the first results winning as always (the outbox below).
/// </summary>
[Placement.ControlPlacementFilter]
public sealed class RolloutShardGrain(
    [PersistentState("rollouts", GvmStorage.Runs)] IPersistentState<RolloutShardState> state,
    IGrainFactory grains,
    IOptions<RolloutQueueOptions> options,
    TimeProvider clock) : Grain, IRolloutShardGrain
{
    private readonly RolloutQueueOptions _options = options.Value;

    // Whether this activation began with open items: their leases, if any, may not have been
    // written, so results for an item it shows unclaimed may come from a lease it forgot.
    private bool _leasesMayBeForgotten;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _leasesMayBeForgotten = Open().Any();
        return base.OnActivateAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task EnqueueAsync(RolloutWorkItem[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var fresh = items.Where(i => !state.State.Items.ContainsKey(i.ItemId)).DistinctBy(i => i.ItemId).ToList();
        if (fresh.Count == 0)
        {
            return;
        }

        await CommitAsync(s =>
        {
            foreach (var item in fresh)
            {
                s.Items[item.ItemId] = new WorkItemState { Item = item };
                s.Order.Add(item.ItemId);
            }
        });
    }

    /// <inheritdoc />
    public Task<ShardClaim> ClaimAsync(string workerId, int max)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        int limit = Math.Clamp(max, 1, _options.MaxClaim);
        var now = clock.GetUtcNow();
        var claimable = Open()
            .Where(i => i.WorkerId is null || i.LeaseExpiresAt <= now)
            .OrderBy(i => i.WorkerId is null ? 0 : 1)
            .Take(limit)
            .Select(i => i.Item.ItemId)
            .ToList();
        if (claimable.Count > 0)
        {
            var expires = now + _options.LeaseDuration;
            foreach (string id in claimable)
            {
                var item = state.State.Items[id];
                item.WorkerId = workerId;
                item.LeaseExpiresAt = expires;
                item.Attempts++;
            }

            GvmMetrics.ItemsClaimed.Add(claimable.Count, RunTag(claimable[0]));
        }

        var leases = claimable.Select(id => state.State.Items[id]).Select(i => new RolloutLease(i.Item, workerId, i.LeaseExpiresAt, i.Attempts)).ToArray();
        return Task.FromResult(new ShardClaim(leases, WakeAt(now)));
    }

    /// <inheritdoc />
    public Task<string[]> RenewAsync(string workerId, string[] itemIds)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        ArgumentNullException.ThrowIfNull(itemIds);

        // Still this worker's, even if its lease ran out unnoticed: nobody else claimed the item,
        // so the work in progress is still the only draw and may go on. A lease this activation
        // may have forgotten (the item shows unclaimed) goes back to the worker renewing it.
        var held = itemIds.Distinct(StringComparer.Ordinal)
            .Where(id => state.State.Items.TryGetValue(id, out var i) && i.IsOpen && i.Pending is null
                && (i.WorkerId == workerId || (i.WorkerId is null && _leasesMayBeForgotten)))
            .ToArray();
        var expires = clock.GetUtcNow() + _options.LeaseDuration;
        foreach (string id in held)
        {
            var item = state.State.Items[id];
            if (item.WorkerId is null)
            {
                item.WorkerId = workerId;
                item.Attempts++;
            }

            item.LeaseExpiresAt = expires;
        }

        return Task.FromResult(held);
    }

    // Items not done, failed or excluded, in the order they were enqueued.
    private IEnumerable<WorkItemState> Open() =>
        state.State.Order.Select(id => state.State.Items[id]).Where(i => i.IsOpen);

    // Now if something is claimable, else the earliest lease expiry, else (all done) never.
    private DateTimeOffset? WakeAt(DateTimeOffset now) =>
        Open().Select(i => (DateTimeOffset?)(i.WorkerId is null || i.LeaseExpiresAt < now ? now : i.LeaseExpiresAt)).Min();

    /// <inheritdoc />
    public Task CheckAsync(ItemResults[] results)
    {
        ArgumentNullException.ThrowIfNull(results);
        foreach (var r in results)
        {
            Check(r);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<CompletionDisposition[]> CompleteManyAsync(string workerId, ItemResults[] results)
    {
        ArgumentNullException.ThrowIfNull(results);
        foreach (var r in results)
        {
            Check(r);
        }

        // An outbox: the results that win are persisted here first (one write for the batch),
        // then sent to the prompts. If this grain dies in between, the item's next completion
        // (a retry, or the worker it is issued to next) sends these same results again, which
        // the prompt counts once by their id, so the prompts and the queue always agree.
        var dispositions = new CompletionDisposition[results.Length];
        var winners = new Dictionary<string, PendingResults>(StringComparer.Ordinal);
        for (int i = 0; i < results.Length; i++)
        {
            var entry = state.State.Items[results[i].ItemId];
            if (entry.Completed || entry.Excluded is not null || winners.ContainsKey(results[i].ItemId))
            {
                dispositions[i] = CompletionDisposition.Duplicate;
            }
            else if (entry.Failure is not null)
            {
                // Refused for good before: sending the same results again cannot succeed.
                dispositions[i] = CompletionDisposition.Refused;
            }
            else if (entry.Pending is { } pending)
            {
                // The results in the outbox win. A worker that sends them again (its call went
                // unanswered) is told they were accepted; any other results are a duplicate.
                dispositions[i] = pending.WorkerId == workerId && SameCounts(pending.Report, results[i].Report)
                    ? CompletionDisposition.Accepted
                    : CompletionDisposition.Duplicate;
                winners[results[i].ItemId] = pending;
            }
            else
            {
                dispositions[i] = CompletionDisposition.Accepted;
                winners[results[i].ItemId] = new PendingResults(workerId, results[i].Report, results[i].Responses);
            }
        }

        if (winners.Count == 0)
        {
            return dispositions;
        }

        if (winners.Any(w => state.State.Items[w.Key].Pending is null))
        {
            await CommitAsync(s =>
            {
                foreach (var (id, pending) in winners)
                {
                    s.Items[id].Pending ??= pending;
                }
            });
        }

        // A report the prompt refuses for good (it was checked above, so only a prompt that is
        // gone, or whose stored row is bad) fails the item, and the run stops with the reason.
        // Anything else (a failed write, a silo going away) fails this call: the results stay in
        // the outbox, and the next completion of the item sends them again.
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        var records = new Dictionary<string, PromptRecord>(StringComparer.Ordinal);
        await Task.WhenAll(winners.Select(async w =>
        {
            try
            {
                var record = await grains.GetGrain<IPromptGrain>(state.State.Items[w.Key].Item.PromptId).RecordAsync(w.Value.Report);
                lock (records)
                {
                    records[w.Key] = record;
                }
            }
            catch (Exception e) when (e is ResultsRefusedException or PromptRowException || e.InnerException is PromptRowException)
            {
                lock (refused)
                {
                    refused[w.Key] = e.Message;
                }
            }
        }));
        await CommitAsync(s =>
        {
            foreach (var (id, pending) in winners)
            {
                var done = s.Items[id];
                done.Pending = null;
                if (refused.TryGetValue(id, out string? reason))
                {
                    done.Failure = $"the prompt refused the results: {reason}";
                    continue;
                }

                done.Completed = true;
                done.CompletedBy = pending.WorkerId;
                done.Drawn = pending.Report.Attempts;
                done.Accepted = pending.Report.Acceptances;
                done.Responses = pending.Responses;
                done.Estimate = records[id].Estimate;
                done.SamplesSpent = records[id].SamplesSpent;
            }
        });
        GvmMetrics.ItemsCompleted.Add(winners.Count - refused.Count, RunTag(winners.Keys.First()));
        for (int i = 0; i < results.Length; i++)
        {
            if (refused.ContainsKey(results[i].ItemId))
            {
                dispositions[i] = CompletionDisposition.Refused;
            }
        }

        return dispositions;
    }

    private static bool SameCounts(RolloutReport a, RolloutReport b) =>
        a.Attempts == b.Attempts && a.Acceptances == b.Acceptances && a.GradNorms.AsSpan().SequenceEqual(b.GradNorms);

    // Everything the prompt would refuse is refused here, before any results can win.
    private void Check(ItemResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var (itemId, report, responses) = results;
        ArgumentNullException.ThrowIfNull(report);
        report.Validate();
        if (!state.State.Items.TryGetValue(itemId, out var entry))
        {
            throw new ArgumentException($"unknown work item '{itemId}'.");
        }

        if (entry.Completed)
        {
            return;
        }

        var item = entry.Item;
        if (entry.WorkerId is null && !_leasesMayBeForgotten)
        {
            throw new InvalidOperationException($"work item '{itemId}' was never claimed; claim it before reporting results.");
        }

        if (report.ReportId != item.ItemId || report.RunId != item.RunId || report.Iteration != item.Iteration
            || report.Stage != item.Stage || report.PolicyVersion != item.PolicyVersion || report.Attempts != item.Count
            || report.ExtendsEstimate != item.ExtendsEstimate)
        {
            throw new ArgumentException(
                $"results for work item '{itemId}' must carry its id, run, iteration, stage, policy version and estimate mode and {item.Count} attempts.");
        }

        if (responses is not null && (responses.ItemId != itemId || responses.PromptId != item.PromptId
            || responses.Responses.Length != item.Count || responses.Rewards.Length != item.Count
            || responses.Rewards.Count(r => r == 1) != report.Acceptances))
        {
            throw new ArgumentException(
                $"responses for work item '{itemId}' must name it and its prompt and hold its {item.Count} responses with rewards matching the report.");
        }
    }

    /// <inheritdoc />
    public async Task FailAsync(string itemId, string workerId, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (!state.State.Items.TryGetValue(itemId, out var entry))
        {
            throw new ArgumentException($"unknown work item '{itemId}'.");
        }

        if (!entry.Completed && entry.Failure is null)
        {
            await CommitAsync(s => s.Items[itemId].Failure = $"{reason} (reported by {workerId})");
        }
    }

    // Each excluded prompt once, with the first reason given (a reason may name the version's folder).
    private static Dictionary<string, string>? Excluded(IEnumerable<WorkItemState> items)
    {
        var excluded = items.Where(i => i.Excluded is not null).DistinctBy(i => i.Item.PromptId).ToDictionary(i => i.Item.PromptId, i => i.Excluded!, StringComparer.Ordinal);
        return excluded.Count == 0 ? null : excluded;
    }

    /// <inheritdoc />
    public async Task ExcludeAsync(string itemId, string workerId, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (!state.State.Items.TryGetValue(itemId, out var entry))
        {
            throw new ArgumentException($"unknown work item '{itemId}'.");
        }

        if (entry.IsOpen)
        {
            await CommitAsync(s => s.Items[itemId].Excluded = reason);
        }
    }

    /// <inheritdoc />
    public Task<RolloutResponses[]> GetResponsesAsync() =>
        Task.FromResult<RolloutResponses[]>([.. state.State.Order
            .Select(id => state.State.Items[id])
            .Where(i => i.Completed && i.Responses is not null)
            .Select(i => i.Responses!)]);

    /// <inheritdoc />
    public Task<QueueProgress> GetProgressAsync()
    {
        var now = clock.GetUtcNow();
        var items = state.State.Items.Values;
        var leased = items.Where(i => i.IsOpen && i.WorkerId is not null && i.LeaseExpiresAt > now).ToList();
        return Task.FromResult(new QueueProgress(
            items.Count(i => i.IsOpen && (i.WorkerId is null || i.LeaseExpiresAt <= now)),
            leased.Count,
            items.Count(i => i.Completed),
            items.Count(i => i.Attempts > 1),
            items.Sum(i => i.Drawn),
            items.Sum(i => i.Accepted),
            [.. leased.Select(i => i.WorkerId!).Distinct().Order(StringComparer.Ordinal)],
            [.. items.Where(i => i.Failure is not null).Select(i => i.Failure!).Distinct()],
            // A lease is taken LeaseDuration before it expires (a changed setting shifts this until the next claim).
            leased.Count == 0 ? null : leased.Min(i => i.LeaseExpiresAt) - _options.LeaseDuration,
            Excluded(items)));
    }

    /// <inheritdoc />
    public Task<WorkItemRecord[]> GetItemsAsync()
    {
        var now = clock.GetUtcNow();
        return Task.FromResult<WorkItemRecord[]>([.. state.State.Order.Select(id => state.State.Items[id]).Select(i => new WorkItemRecord(
            i.Item.ItemId,
            i.Item.PromptId,
            i.Item.Count,
            i.Attempts,
            !i.Completed && i.WorkerId is not null && i.LeaseExpiresAt > now ? i.WorkerId : null,
            i.CompletedBy,
            i.Drawn,
            i.Accepted,
            i.Estimate,
            i.SamplesSpent))]);
    }

    /// <inheritdoc />
    public async Task ClearAsync()
    {
        await state.ClearStateAsync();
        state.State = new RolloutShardState();
        DeactivateOnIdle();
    }

    // A failed write reads the stored state back, which holds only the leases last written.
    private async Task CommitAsync(Action<RolloutShardState> change)
    {
        try
        {
            await state.CommitAsync(this, change);
        }
        catch
        {
            _leasesMayBeForgotten = true;
            throw;
        }
    }

    private KeyValuePair<string, object?> RunTag(string itemId) => new("run", state.State.Items[itemId].Item.RunId);
}
