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

        await state.CommitAsync(this, s =>
        {
            s.Ids.RemoveRange(offset, s.Ids.Count - offset);
            s.Ids.AddRange(promptIds);
        });
        return state.State.Ids.Count;
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
