namespace Orleans.GvmRaft.Runs;

/// <summary>What a page of a run's history persists.</summary>
[GenerateSerializer]
public sealed class RunHistoryPage
{
    /// <summary>The summaries, by iteration.</summary>
    [Id(0)]
    public List<IterationSummary> Iterations { get; set; } = [];
}
