using Orleans.GvmRaft.Allocation;
namespace Orleans.GvmRaft.PromptSets;

/// <summary>A named prompt set: its size here, its ids in shards of <see cref="PromptSetLayout.ShardSize"/>.</summary>
[Placement.ControlPlacementFilter]
public sealed class PromptSetGrain(
    [PersistentState("set", GvmStorage.Prompts)] IPersistentState<PromptSetState> state,
    IGrainFactory grains) : Grain, IPromptSetGrain
{
    /// <summary>
    /// How many of the latest ids an append is checked against. An import killed after appending
    /// a batch appends it again when re-run, whatever its batch size; a window of several import
    /// batches covers that, at a few megabytes of memory per set grain.
    /// </summary>
    public const int RecentWindow = 65_536;

    // The latest ids (up to RecentWindow, oldest first) and how often each occurs among them
    // (an id can occur twice in a set written before this check), loaded from the shards on first use.
    private Queue<string>? _recentOrder;
    private Dictionary<string, int>? _recent;

    private string Name => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public async Task<long> AppendAsync(string[] promptIds)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        PromptSetLayout.ValidateName(Name);
        foreach (string id in promptIds)
        {
            Prompts.PromptDefinition.ValidateId(id);
        }

        // An import repeated after a kill sends ids it may already have appended: those among the
        // latest are members already (and so is a repeat within the call).
        await LoadRecentAsync();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        promptIds = [.. promptIds.Where(id => !_recent!.ContainsKey(id) && seen.Add(id))];
        if (promptIds.Length == 0)
        {
            return state.State.Count;
        }

        // Shards first, then the size: a crash in between leaves ids past the size, which the
        // next write at that offset overwrites.
        long count = state.State.Count;
        int written = 0;
        while (written < promptIds.Length)
        {
            long shard = count / PromptSetLayout.ShardSize;
            int offset = (int)(count % PromptSetLayout.ShardSize);
            int take = Math.Min(PromptSetLayout.ShardSize - offset, promptIds.Length - written);
            await Shard(shard).WriteAsync(offset, promptIds[written..(written + take)]);
            written += take;
            count += take;
        }

        try
        {
            await state.CommitAsync(this, s => s.Count = count);
        }
        catch
        {
            // What is stored decides which ids are the latest: read them again when next needed.
            (_recent, _recentOrder) = (null, null);
            throw;
        }

        Remember(promptIds);
        return count;
    }

    /// <inheritdoc />
    public async Task<string[]> GetIdsAsync(long offset, int count)
    {
        long size = state.State.Count;
        if (offset < 0 || count < 0 || offset > size)
        {
            throw new ArgumentException($"prompt set '{Name}' holds {size} prompts; cannot read {count} from {offset}.");
        }

        long end = Math.Min(size, offset + count);
        var ids = new List<string>((int)(end - offset));
        for (long at = offset; at < end;)
        {
            long shard = at / PromptSetLayout.ShardSize;
            int from = (int)(at % PromptSetLayout.ShardSize);
            int take = (int)Math.Min(PromptSetLayout.ShardSize - from, end - at);
            ids.AddRange(await Shard(shard).GetAsync([.. Enumerable.Range(from, take)]));
            at += take;
        }

        return [.. ids];
    }

    /// <inheritdoc />
    public Task<long> GetCountAsync() => Task.FromResult(state.State.Count);

    /// <inheritdoc />
    public async Task<string[]> SampleAsync(int count, long seed)
    {
        long size = RequireSize();

        if (count < 1 || count > size)
        {
            throw new ArgumentException($"cannot draw {count} prompts from set '{Name}' of {size}.");
        }

        return await IdsAtAsync(SampleIndices(size, count, new Random(unchecked((int)(seed ^ (seed >> 32))))));
    }

    /// <inheritdoc />
    public async Task<string[]> EpochBatchAsync(int batchSize, int iteration, long seed)
    {
        long size = RequireSize();

        if (batchSize < 1 || iteration < 1)
        {
            throw new ArgumentException($"epoch batch of set '{Name}': batch size and iteration must be >= 1 (got {batchSize}, {iteration}).");
        }

        return await IdsAtAsync(EpochOrder.Batch(size, (int)Math.Min(batchSize, size), (ulong)seed, iteration));
    }

    /// <inheritdoc />
    public async Task<(string[] Ids, long Size)> EpochRangeAsync(long seed, long epoch, long from, int count)
    {
        long size = RequireSize();

        if (epoch < 0 || from < 0 || count < 0)
        {
            throw new ArgumentException($"epoch range of set '{Name}': epoch, start and count must be >= 0 (got {epoch}, {from}, {count}).");
        }

        long end = Math.Min(size, from + count);
        long[] picks = [.. Enumerable.Range(0, (int)Math.Max(0, end - from)).Select(j => EpochOrder.IndexAt(size, (ulong)seed, epoch, from + j))];
        return (await IdsAtAsync(picks), size);
    }

    // The set's size; an empty set cannot be drawn from.
    private long RequireSize() =>
        state.State.Count > 0
            ? state.State.Count
            : throw new InvalidOperationException($"prompt set '{Name}' is empty or unknown: import prompts into it first (gvm import FILE --set {Name}).");

    // The ids at the set's positions, in the order given: one call per shard holding any.
    private async Task<string[]> IdsAtAsync(long[] picks)
    {
        int count = picks.Length;
        var byShard = picks.Select((index, order) => (index, order)).GroupBy(p => p.index / PromptSetLayout.ShardSize);
        var result = new string[count];
        await Task.WhenAll(byShard.Select(async group =>
        {
            var members = group.ToArray();
            string[] ids = await Shard(group.Key).GetAsync([.. members.Select(m => (int)(m.index % PromptSetLayout.ShardSize))]);
            for (int i = 0; i < members.Length; i++)
            {
                result[members[i].order] = ids[i];
            }
        }));
        return result;
    }

    /// <summary>
    /// <paramref name="count"/> distinct indices in [0, <paramref name="size"/>), uniformly (Floyd's
    /// algorithm: O(count) time and memory however large the set), in the order drawn.
    /// </summary>
    public static long[] SampleIndices(long size, int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var chosen = new HashSet<long>(count);
        var order = new List<long>(count);
        for (long j = size - count; j < size; j++)
        {
            long t = random.NextInt64(j + 1);
            long pick = chosen.Add(t) ? t : j;
            if (pick == j)
            {
                chosen.Add(j);
            }

            order.Add(pick);
        }

        return [.. order];
    }

    private async Task LoadRecentAsync()
    {
        if (_recent is not null)
        {
            return;
        }

        // Read first, then keep: a failed read leaves nothing half-loaded behind.
        long from = Math.Max(0, state.State.Count - RecentWindow);
        string[] latest = await GetIdsAsync(from, (int)(state.State.Count - from));
        (_recent, _recentOrder) = (new Dictionary<string, int>(StringComparer.Ordinal), new Queue<string>());
        Remember(latest);
    }

    private void Remember(string[] promptIds)
    {
        foreach (string id in promptIds)
        {
            _recent![id] = _recent.GetValueOrDefault(id) + 1;
            _recentOrder!.Enqueue(id);
        }

        while (_recentOrder!.Count > RecentWindow)
        {
            string oldest = _recentOrder.Dequeue();
            if (--_recent![oldest] == 0)
            {
                _recent.Remove(oldest);
            }
        }
    }

    private IPromptSetShardGrain Shard(long index) => grains.GetGrain<IPromptSetShardGrain>(PromptSetLayout.ShardKey(Name, index));
}
