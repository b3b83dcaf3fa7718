using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Prompts;

/// <summary>A run asks a prompt how many stage-1 draws it needs, given what the prompt already knows.</summary>
/// <param name="RunId">The asking run.</param>
/// <param name="Lineage">The checkpoint hash the run started from; statistics of other runs count only when theirs is the same. Null: this run's only.</param>
/// <param name="Iteration">The iteration asking: the run's own visits count only from before it (a repeated pick may find this iteration's first draws recorded).</param>
/// <param name="PolicyVersion">The version stage 1 will draw with.</param>
/// <param name="FullDraws">n0: the draws of a prompt with no prior.</param>
/// <param name="Settings">The discounts and the least draws.</param>
[GenerateSerializer, Immutable]
public sealed record Stage1Request(
    [property: Id(0)] string RunId,
    [property: Id(1)] string? Lineage,
    [property: Id(5)] int Iteration,
    [property: Id(2)] long PolicyVersion,
    [property: Id(3)] int FullDraws,
    [property: Id(4)] HistorySettings Settings);
