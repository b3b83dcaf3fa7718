namespace Orleans.GvmRaft.Runs;

/// <summary>The coordinator's stage-2 plan for one iteration: samples per prompt, in the order the batch was given.</summary>
/// <param name="Iteration">The iteration (≥ 1).</param>
/// <param name="PromptIds">The batch.</param>
/// <param name="Samples">n_i per prompt, summing to the budget.</param>
/// <param name="Outcome">Weighted, uniform, or the uniform fallback when no prompt had weight.</param>
/// <param name="PromptsWithoutEstimate">Ids in the batch that had no stage-1 estimate (they count as p = 0, G = 0).</param>
[GenerateSerializer, Immutable]
public sealed record IterationAllocation(
    [property: Id(0)] int Iteration,
    [property: Id(1)] string[] PromptIds,
    [property: Id(2)] int[] Samples,
    [property: Id(3)] string Outcome,
    [property: Id(4)] string[] PromptsWithoutEstimate);
