namespace Orleans.GvmRaft.Index;

/// <summary>One shard of a run's prompt index.</summary>
[Placement.ControlPlacementFilter]
public sealed class PromptIndexGrain(
    [PersistentState("index", GvmStorage.Runs)] IPersistentState<PromptIndexState> state) : Grain, IPromptIndexGrain
{
    /// <inheritdoc />
    public async Task UpsertAsync(PromptIndexEntry[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        await state.CommitAsync(this, s =>
        {
            foreach (var entry in entries)
            {
                s.Entries[entry.PromptId] = entry;
            }
        });
    }

    /// <inheritdoc />
    public Task<(PromptIndexEntry[] Top, int Count)> TopAsync(PromptRanking by, int limit)
    {
        if (!Enum.IsDefined(by))
        {
            throw new ArgumentException($"unknown ranking {(int)by}.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var all = state.State.Entries.Values.ToList();
        all.Sort(PromptIndexEntry.Descending(by));
        return Task.FromResult<(PromptIndexEntry[], int)>(([.. all.Take(limit)], all.Count));
    }

    /// <inheritdoc />
    public async Task ClearAsync()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}
