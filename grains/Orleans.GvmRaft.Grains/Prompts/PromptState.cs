namespace Orleans.GvmRaft.Prompts;

/// <summary>What a prompt grain persists.</summary>
[GenerateSerializer]
public sealed class PromptState
{
    /// <summary>Null until the prompt is imported.</summary>
    [Id(0)]
    public PromptDefinition? Definition { get; set; }

    /// <summary>Lifetime counts and gradient-norm moments.</summary>
    [Id(1)]
    public PromptStatistics Statistics { get; set; } = PromptStatistics.None();

    /// <summary>The latest stage-1 estimate.</summary>
    [Id(2)]
    public PromptEstimate? LatestEstimate { get; set; }

    /// <summary>The last stage-2 allocation.</summary>
    [Id(3)]
    public AllocationAssignment? LastAllocation { get; set; }

    /// <summary>Ids of the most recent reports applied, oldest first.</summary>
    [Id(4)]
    public List<string> RecentReportIds { get; set; } = [];

    /// <summary>The most recent applied reports, oldest first.</summary>
    [Id(5)]
    public List<PromptHistoryEntry> History { get; set; } = [];

    /// <summary>The prompt sets the prompt belongs to.</summary>
    [Id(6)]
    public List<string> Sets { get; set; } = [];

    /// <summary>
    /// The most recent visits by runs, oldest first, kept for the allocators that read a prompt's
    /// trace (GRESO, Knapsack RL); bounded by <see cref="PromptGrain.VisitLimit"/>, apart from the display history.
    /// </summary>
    [Id(7)]
    public List<PromptVisit> Visits { get; set; } = [];
}
