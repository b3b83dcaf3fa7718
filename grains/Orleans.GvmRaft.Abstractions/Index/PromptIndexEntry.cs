namespace Orleans.GvmRaft.Index;

/// <summary>A prompt's figures in a run's index, as of the last iteration that drew it.</summary>
/// <param name="PromptId">The prompt.</param>
/// <param name="Iteration">The iteration the figures are from.</param>
/// <param name="Allocation">Its stage-2 count n_i in that iteration.</param>
/// <param name="AcceptRate">Its latest stage-1 acceptance rate p_i.</param>
/// <param name="GradNorm">Its latest stage-1 mean gradient norm G_i.</param>
/// <param name="Samples">Samples spent on it, both stages, over its life.</param>
[GenerateSerializer, Immutable]
public sealed record PromptIndexEntry(
    [property: Id(0)] string PromptId,
    [property: Id(1)] int Iteration,
    [property: Id(2)] int Allocation,
    [property: Id(3)] double AcceptRate,
    [property: Id(4)] double GradNorm,
    [property: Id(5)] long Samples)
{
    /// <summary>The figure <paramref name="by"/> ranks on.</summary>
    public double Key(PromptRanking by) => by switch
    {
        PromptRanking.Allocation => Allocation,
        PromptRanking.AcceptRate => AcceptRate,
        PromptRanking.GradNorm => GradNorm,
        PromptRanking.Samples => Samples,
        _ => throw new ArgumentOutOfRangeException(nameof(by), by, "unknown ranking."),
    };

    /// <summary>Largest key first; ties by prompt id, so every shard and the merge agree on the order.</summary>
    public static Comparison<PromptIndexEntry> Descending(PromptRanking by) =>
        (a, b) => b.Key(by).CompareTo(a.Key(by)) is var c && c != 0 ? c : string.CompareOrdinal(a.PromptId, b.PromptId);
}
