namespace Orleans.GvmRaft.Index;

/// <summary>
/// One shard of a run's prompt index (keyed <c>{run}/{shard}</c>, see <see cref="PromptIndex"/>):
/// the latest figures of the run's prompts that hash to it. Queries over every prompt of a run
/// ask the shards, never the prompt grains.
/// </summary>
public interface IPromptIndexGrain : IGrainWithStringKey
{
    /// <summary>Adds or replaces entries.</summary>
    Task UpsertAsync(PromptIndexEntry[] entries);

    /// <summary>This shard's top <paramref name="limit"/> entries by <paramref name="by"/>, and how many entries it holds.</summary>
    Task<(PromptIndexEntry[] Top, int Count)> TopAsync(PromptRanking by, int limit);

    /// <summary>Drops the shard's entries and its stored state (the run is deleted).</summary>
    Task ClearAsync();
}
