using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.GvmRaft.Prompts;

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
            // Completed work of iterations before the newest enqueued one's predecessor is history.
            int newest = items.Max(i => i.Iteration);
            var index = state.State.Copy();
            var history = index.Stages.Where(s => s.Iteration < newest - 1).ToList();
            index.Stages.RemoveAll(history.Contains);
            bool placed = Place(index, items);

            // The shards first, then the index: an item is never listed before its shard holds it,
            // so progress cannot look done over a shard still being filled. Every item of the call
            // is sent (known ones are ignored there), so a retried enqueue completes a failed one.
            var byShard = items.DistinctBy(i => i.ItemId).GroupBy(i => ShardKey(index, i.ItemId)).ToList();
            await Task.WhenAll(byShard.Select(g => Shard(g.Key).EnqueueAsync([.. g])));
            if (placed || history.Count > 0)
            {
                await state.CommitAsync(s => s.Copy(), s => s.Stages = index.Stages);
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
        return dispositions;
    }

    /// <inheritdoc />
    public Task FailAsync(string itemId, string workerId, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return Shard(ShardOf(itemId)).FailAsync(itemId, workerId, reason);
    }

    /// <inheritdoc />
    public async Task<RolloutResponses[]> GetResponsesAsync(int iteration)
    {
        var keys = state.State.Stages.Where(s => s.Iteration == iteration).SelectMany(ShardKeys).ToArray();
        var parts = await Task.WhenAll(keys.Select(key => Shard(key).GetResponsesAsync()));
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
            [.. parts.SelectMany(p => p.Failures ?? []).Distinct()]);
    }

    // Puts each new item in its stage's last shard, or a new one when that is full, in the order
    // given; known items stay where they are. Returns whether anything was placed.
    private bool Place(RolloutQueueIndex index, RolloutWorkItem[] items)
    {
        bool placed = false;
        foreach (var group in items.GroupBy(i => (i.Iteration, i.Stage)))
        {
            var stage = index.Stages.FirstOrDefault(s => (s.Iteration, s.Stage) == group.Key);
            if (stage is null)
            {
                stage = new QueuedStage { Iteration = group.Key.Iteration, Stage = group.Key.Stage };
                index.Stages.Add(stage);
            }

            int inLast = stage.ItemShards.Values.Count(s => s == stage.Shards - 1);
            foreach (var item in group.Where(i => !stage.ItemShards.ContainsKey(i.ItemId)))
            {
                if (stage.Shards == 0 || inLast >= _options.ShardSize)
                {
                    stage.Shards++;
                    inLast = 0;
                }

                stage.ItemShards[item.ItemId] = stage.Shards - 1;
                inLast++;
                placed = true;
            }
        }

        return placed;
    }

    private static QueuedStage? StageOf(RolloutQueueIndex index, string itemId) => index.Stages.FirstOrDefault(s => s.ItemShards.ContainsKey(itemId));

    private string ShardOf(string itemId) => ShardKey(state.State, itemId);

    private string ShardKey(RolloutQueueIndex index, string itemId) =>
        StageOf(index, itemId) is { } stage ? ShardKey(stage, stage.ItemShards[itemId]) : throw new ArgumentException($"unknown work item '{itemId}'.");

    private string ShardKey(QueuedStage stage, int shard) => $"{RunId}/{stage.Iteration}/{stage.Stage}/{shard}";

    private IEnumerable<string> ShardKeys(QueuedStage stage) => Enumerable.Range(0, stage.Shards).Select(k => ShardKey(stage, k));

    private IRolloutShardGrain Shard(string key) => grains.GetGrain<IRolloutShardGrain>(key);
}
