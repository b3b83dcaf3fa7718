namespace Orleans.GvmRaft.PromptSets;

/// <summary>A named prompt set: its size here, its ids in shards of <see cref="PromptSetLayout.ShardSize"/>.</summary>
[Placement.ControlPlacementFilter]
public sealed class PromptSetGrain(
    [PersistentState("set", GvmStorage.Prompts)] IPersistentState<PromptSetState> state,
    IGrainFactory grains) : Grain, IPromptSetGrain
{
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

        await state.CommitAsync(this, s => s.Count = count);
        return count;
    }

    /// <inheritdoc />
    public Task<long> GetCountAsync() => Task.FromResult(state.State.Count);

    /// <inheritdoc />
    public async Task<string[]> SampleAsync(int count, long seed)
    {
        long size = state.State.Count;
        if (size == 0)
        {
            throw new InvalidOperationException($"prompt set '{Name}' is empty or unknown: import prompts into it first (gvm import FILE --set {Name}).");
        }

        if (count < 1 || count > size)
        {
            throw new ArgumentException($"cannot draw {count} prompts from set '{Name}' of {size}.");
        }

        long[] picks = SampleIndices(size, count, new Random(unchecked((int)(seed ^ (seed >> 32)))));
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

    private IPromptSetShardGrain Shard(long index) => grains.GetGrain<IPromptSetShardGrain>(PromptSetLayout.ShardKey(Name, index));
}
