namespace Orleans.GvmRaft.PromptSets;

/// <summary>One shard of a prompt set's ids.</summary>
[Placement.ControlPlacementFilter]
public sealed class PromptSetShardGrain(
    [PersistentState("shard", GvmStorage.Prompts)] IPersistentState<PromptSetShardState> state) : Grain, IPromptSetShardGrain
{
    /// <inheritdoc />
    public async Task<int> WriteAsync(int offset, string[] promptIds)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        var ids = state.State.Ids;
        if (offset < 0 || offset > ids.Count || offset + promptIds.Length > PromptSetLayout.ShardSize)
        {
            throw new ArgumentException($"shard '{this.GetPrimaryKeyString()}': cannot write {promptIds.Length} ids at {offset} (it holds {ids.Count}).");
        }

        var before = ids.ToList();
        ids.RemoveRange(offset, ids.Count - offset);
        ids.AddRange(promptIds);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Ids = before;
            throw;
        }

        return ids.Count;
    }

    /// <inheritdoc />
    public Task<string[]> GetAsync(int[] offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        var ids = state.State.Ids;
        return Task.FromResult(offsets.Select(o => o >= 0 && o < ids.Count
            ? ids[o]
            : throw new ArgumentOutOfRangeException(nameof(offsets), $"shard '{this.GetPrimaryKeyString()}' holds {ids.Count} ids; {o} is out of range.")).ToArray());
    }
}
