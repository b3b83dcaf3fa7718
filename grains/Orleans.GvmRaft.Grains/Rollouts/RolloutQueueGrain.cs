using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Rollouts;

/// <summary>
/// The leased rollout work of one run. The items live in shard grains of
/// <c>Gvm:Rollouts:ShardSize</c> items per iteration and stage (<see cref="RolloutShardGrain"/>);
/// this grain persists only which shard holds which item, written when work is enqueued. A claim
/// or a batch of results then writes one small shard rather than the whole iteration, and claims
/// of different workers write different shards at once (the grain is reentrant for that).
/// </summary>
[Reentrant]
[Placement.ControlPlacementFilter]
public sealed class RolloutQueueGrain(
    [PersistentState("queue", GvmStorage.Runs)] IPersistentState<RolloutQueueIndex> state,
    IGrainFactory grains,
    IOptions<RolloutQueueOptions> options,
    TimeProvider clock) : Grain, IRolloutQueueGrain
{
    private readonly RolloutQueueOptions _options = options.Value;
    private readonly SemaphoreSlim _enqueueLock = new(1, 1);

    // When each shard may next have something to claim (null: all done); absent means ask it.
    // Only claims make items unclaimable and only lease expiry makes them claimable again, so a
    // shard's own answer is exact until then; a reactivated queue simply asks every shard once.
    private readonly Dictionary<string, DateTimeOffset?> _wakeAt = new(StringComparer.Ordinal);

    private string RunId => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public async Task EnqueueAsync(RolloutWorkItem[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            item.Validate();
            if (item.RunId != RunId)
            {
                throw new ArgumentException($"work item '{item.ItemId}' belongs to run '{item.RunId}', not '{RunId}'.");
            }
        }

        if (items.Length == 0)
        {
            return;
        }

        await _enqueueLock.WaitAsync();
        try
        {
            // Work of iterations older than the last KeepIterations (counting the newest enqueued)
            // is history: its shards are cleared once the index no longer lists them.
            int newest = items.Max(i => i.Iteration);
            var history = state.State.Stages.Where(s => s.Iteration <= newest - _options.KeepIterations).ToList();
            var placements = Place(items);

            // The shards first, then the index: an item is never listed before its shard holds it,
            // so progress cannot look done over a shard still being filled. Every item of the call
            // is sent (known ones are ignored there), so a retried enqueue completes a failed one.
            var byShard = items.DistinctBy(i => i.ItemId)
                .GroupBy(i => placements.TryGetValue(i.ItemId, out var placed) ? ShardKey(placed.Iteration, placed.Stage, placed.Shard) : ShardOf(i.ItemId))
                .ToList();
            await Task.WhenAll(byShard.Select(g => Shard(g.Key).EnqueueAsync([.. g])));
            if (placements.Count > 0 || history.Count > 0)
            {
                await state.CommitAsync(this, s =>
                {
                    s.Stages.RemoveAll(history.Contains);
                    foreach (var (itemId, placed) in placements)
                    {
                        var stage = s.Stages.FirstOrDefault(q => (q.Iteration, q.Stage) == (placed.Iteration, placed.Stage));
                        if (stage is null)
                        {
                            stage = new QueuedStage { Iteration = placed.Iteration, Stage = placed.Stage };
                            s.Stages.Add(stage);
                        }

                        stage.ItemShards[itemId] = placed.Shard;
                        stage.Shards = Math.Max(stage.Shards, placed.Shard + 1);
                    }
                });
            }

            foreach (var g in byShard)
            {
                _wakeAt.Remove(g.Key);
            }

            var cleared = history.SelectMany(ShardKeys).ToList();
            await Task.WhenAll(cleared.Select(key => Shard(key).ClearAsync()));
            cleared.ForEach(key => _wakeAt.Remove(key));
        }
        finally
        {
            _enqueueLock.Release();
        }
    }

    /// <inheritdoc />
    public async Task<RolloutLease[]> ClaimAsync(string workerId, int max)
    {
        if (string.IsNullOrWhiteSpace(workerId))
        {
            throw new ArgumentException("a claim needs a worker id.");
        }

        int limit = Math.Clamp(max, 1, _options.MaxClaim);
        var now = clock.GetUtcNow();
        var leases = new List<RolloutLease>();
        foreach (string key in state.State.Stages.SelectMany(ShardKeys).ToArray())
        {
            if (leases.Count >= limit)
            {
                break;
            }

            if (_wakeAt.TryGetValue(key, out var wake) && (wake is null || wake > now))
            {
                continue;
            }

            var claim = await Shard(key).ClaimAsync(workerId, limit - leases.Count);
            _wakeAt[key] = claim.WakeAt;
            leases.AddRange(claim.Leases);
        }

        return [.. leases];
    }

    /// <inheritdoc />
    public async Task<string[]> RenewAsync(string workerId, string[] itemIds)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        ArgumentNullException.ThrowIfNull(itemIds);

        // An id the index no longer lists belongs to an iteration cleared as history: nothing to renew.
        var byShard = itemIds.Distinct(StringComparer.Ordinal)
            .Select(id => (Id: id, Key: TryShardOf(id)))
            .Where(x => x.Key is not null)
            .GroupBy(x => x.Key!, x => x.Id);
        var renewed = await Task.WhenAll(byShard.Select(g => Shard(g.Key).RenewAsync(workerId, [.. g])));
        return [.. renewed.SelectMany(r => r)];
    }

    /// <inheritdoc />
    public async Task<CompletionDisposition> CompleteAsync(string itemId, string workerId, RolloutReport report, RolloutResponses? responses = null) =>
        (await CompleteManyAsync(workerId, [new ItemResults(itemId, report, responses)]))[0];

    /// <inheritdoc />
    public async Task<CompletionDisposition[]> CompleteManyAsync(string workerId, ItemResults[] results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var keys = new string[results.Length];
        for (int i = 0; i < results.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(results[i]);
            keys[i] = ShardOf(results[i].ItemId);
        }

        var groups = Enumerable.Range(0, results.Length).GroupBy(i => keys[i]).Select(g => (Key: g.Key, Indexes: g.ToArray())).ToList();

        // Every result is checked before any counts: a batch spanning shards is checked by all of
        // them first (a single shard checks its own before it records anything).
        if (groups.Count > 1)
        {
            await Task.WhenAll(groups.Select(g => Shard(g.Key).CheckAsync([.. g.Indexes.Select(i => results[i])])));
        }

        var dispositions = new CompletionDisposition[results.Length];
        await Task.WhenAll(groups.Select(async g =>
        {
            var done = await Shard(g.Key).CompleteManyAsync(workerId, [.. g.Indexes.Select(i => results[i])]);
            for (int j = 0; j < g.Indexes.Length; j++)
            {
                dispositions[g.Indexes[j]] = done[j];
            }
        }));

        // The run waiting on this work looks at once, rather than at its next tick.
        if (dispositions.Contains(CompletionDisposition.Accepted))
        {
            await grains.GetGrain<ITrainingRunGrain>(this.GetPrimaryKeyString()).WakeAsync();
        }

        return dispositions;
    }

    /// <inheritdoc />
    public Task FailAsync(string itemId, string workerId, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return Shard(ShardOf(itemId)).FailAsync(itemId, workerId, reason);
    }

    /// <inheritdoc />
    public Task ExcludeAsync(string itemId, string workerId, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return Shard(ShardOf(itemId)).ExcludeAsync(itemId, workerId, reason);
    }

    /// <inheritdoc />
    public async Task DeleteAsync()
    {
        await _enqueueLock.WaitAsync();
        try
        {
            await Task.WhenAll(state.State.Stages.SelectMany(ShardKeys).Select(key => Shard(key).ClearAsync()));
            await state.ClearStateAsync();
            _wakeAt.Clear();
        }
        finally
        {
            _enqueueLock.Release();
        }

        DeactivateOnIdle();
    }

    /// <inheritdoc />
    public async Task<RolloutResponses[]> GetResponsesAsync(int iteration)
    {
        var keys = state.State.Stages.Where(s => s.Iteration == iteration).SelectMany(ShardKeys).ToArray();
        var parts = await Task.WhenAll(keys.Select(key => Shard(key).GetResponsesAsync()));
        return [.. parts.SelectMany(p => p)];
    }

    /// <inheritdoc />
    public async Task<WorkItemRecord[]> GetItemsAsync(int iteration, RolloutStage stage)
    {
        var keys = state.State.Stages.Where(s => s.Iteration == iteration && s.Stage == stage).SelectMany(ShardKeys).ToArray();
        var parts = await Task.WhenAll(keys.Select(key => Shard(key).GetItemsAsync()));
        return [.. parts.SelectMany(p => p)];
    }

    /// <inheritdoc />
    public async Task<QueueProgress> GetProgressAsync(int iteration, RolloutStage stage)
    {
        var keys = state.State.Stages.Where(s => s.Iteration == iteration && s.Stage == stage).SelectMany(ShardKeys).ToArray();
        var parts = await Task.WhenAll(keys.Select(key => Shard(key).GetProgressAsync()));
        return new QueueProgress(
            parts.Sum(p => p.Pending),
            parts.Sum(p => p.Leased),
            parts.Sum(p => p.Completed),
            parts.Sum(p => p.Reissued),
            parts.Sum(p => p.Attempts),
            parts.Sum(p => p.Acceptances),
            [.. parts.SelectMany(p => p.LeasedBy ?? []).Distinct().Order(StringComparer.Ordinal)],
            [.. parts.SelectMany(p => p.Failures ?? []).Distinct()],
            parts.Select(p => p.OldestLeaseSince).Where(t => t is not null).Min(),
            parts.Any(p => p.Excluded is not null)
                ? parts.SelectMany(p => p.Excluded ?? []).DistinctBy(e => e.Key).ToDictionary(StringComparer.Ordinal)
                : null);
    }

    // Where each new item goes: its stage's last shard, or a new one when that is full, in the
    // order given; known items stay where they are. Reads the index and changes nothing, so the
    // shards can be filled before the index lists them.
    private Dictionary<string, (int Iteration, RolloutStage Stage, int Shard)> Place(RolloutWorkItem[] items)
    {
        var placements = new Dictionary<string, (int Iteration, RolloutStage Stage, int Shard)>(StringComparer.Ordinal);
        foreach (var group in items.GroupBy(i => (i.Iteration, i.Stage)))
        {
            var stage = state.State.Stages.FirstOrDefault(s => (s.Iteration, s.Stage) == group.Key);
            int shards = stage?.Shards ?? 0;
            int inLast = stage?.ItemShards.Values.Count(s => s == shards - 1) ?? 0;
            foreach (var item in group.Where(i => stage?.ItemShards.ContainsKey(i.ItemId) != true && !placements.ContainsKey(i.ItemId)))
            {
                if (shards == 0 || inLast >= _options.ShardSize)
                {
                    shards++;
                    inLast = 0;
                }

                placements[item.ItemId] = (group.Key.Iteration, group.Key.Stage, shards - 1);
                inLast++;
            }
        }

        return placements;
    }

    private string ShardOf(string itemId) => TryShardOf(itemId) ?? throw new ArgumentException($"unknown work item '{itemId}'.");

    private string? TryShardOf(string itemId) =>
        state.State.Stages.FirstOrDefault(s => s.ItemShards.ContainsKey(itemId)) is { } stage
            ? ShardKey(stage.Iteration, stage.Stage, stage.ItemShards[itemId])
            : null;

    private string ShardKey(int iteration, RolloutStage stage, int shard) => $"{RunId}/{iteration}/{stage}/{shard}";

    private IEnumerable<string> ShardKeys(QueuedStage stage) => Enumerable.Range(0, stage.Shards).Select(k => ShardKey(stage.Iteration, stage.Stage, k));

    private IRolloutShardGrain Shard(string key) => grains.GetGrain<IRolloutShardGrain>(key);
}
