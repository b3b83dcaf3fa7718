namespace Orleans.GvmRaft.PromptSets;

/// <summary>
/// A named set of prompt ids that runs draw their batches from. The ids live in fixed-size shards
/// (<see cref="IPromptSetShardGrain"/>), so a set of millions of prompts is never one large state.
/// </summary>
public interface IPromptSetGrain : IGrainWithStringKey
{
    /// <summary>
    /// Appends ids in order; returns the new size. An id among the set's latest ids (the last
    /// 65,536) is a member already and is not appended again, so an import batch repeated after a
    /// kill converges; the caller appends only prompts whose row does not list the set.
    /// </summary>
    Task<long> AppendAsync(string[] promptIds);

    /// <summary>Up to <paramref name="count"/> ids in set order from <paramref name="offset"/>.</summary>
    Task<string[]> GetIdsAsync(long offset, int count);

    /// <summary>How many prompts the set holds.</summary>
    Task<long> GetCountAsync();

    /// <summary><paramref name="count"/> distinct prompt ids drawn uniformly without replacement, reproducibly from <paramref name="seed"/>.</summary>
    Task<string[]> SampleAsync(int count, long seed);

    /// <summary>
    /// Iteration <paramref name="iteration"/>'s batch (from 1) of <paramref name="batchSize"/> under
    /// the epoch sampler: each epoch visits every prompt once, in an order seeded by
    /// <paramref name="seed"/> and the epoch; an epoch's last batch is short when B does not divide the set's size.
    /// </summary>
    Task<string[]> EpochBatchAsync(int batchSize, int iteration, long seed);

    /// <summary>
    /// The ids at positions [<paramref name="from"/>, <paramref name="from"/> + <paramref name="count"/>)
    /// of epoch <paramref name="epoch"/>'s order (the epoch sampler's, seeded by <paramref name="seed"/>),
    /// cut at the epoch's end; with the set's size, so a caller can walk an epoch at its own pace.
    /// </summary>
    Task<(string[] Ids, long Size)> EpochRangeAsync(long seed, long epoch, long from, int count);
}
