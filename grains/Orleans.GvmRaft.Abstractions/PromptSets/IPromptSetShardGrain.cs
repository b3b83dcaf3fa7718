namespace Orleans.GvmRaft.PromptSets;

/// <summary>One shard of a prompt set's ids, keyed <c>{set}/{index}</c>; written only by its set grain.</summary>
public interface IPromptSetShardGrain : IGrainWithStringKey
{
    /// <summary>
    /// Writes ids from <paramref name="offset"/> on, dropping anything after it first, so a retried
    /// write after a crash lands in the same place; returns the shard's new size.
    /// </summary>
    Task<int> WriteAsync(int offset, string[] promptIds);

    /// <summary>The ids at <paramref name="offsets"/>, in the order asked.</summary>
    Task<string[]> GetAsync(int[] offsets);
}
