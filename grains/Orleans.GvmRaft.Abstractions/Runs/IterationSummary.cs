namespace Orleans.GvmRaft.Runs;

/// <summary>A compact record of one finished iteration, kept in the run's history; written once, when the iteration ends.</summary>
/// <param name="Iteration">The iteration.</param>
/// <param name="Prompts">B, prompts in the batch.</param>
/// <param name="Budget">N, stage-2 samples.</param>
/// <param name="PromptsAllocated">Prompts with n_i &gt; 0.</param>
/// <param name="MaxSamples">The largest n_i.</param>
/// <param name="Outcome">How the allocation was made.</param>
/// <param name="FinishedAt">When the iteration finished (its update made).</param>
/// <param name="Histogram">Prompts per n_i bin (see <see cref="AllocationHistogram"/>).</param>
/// <param name="Attempts">Rollouts drawn this iteration, both stages.</param>
/// <param name="Acceptances">Rollouts accepted this iteration.</param>
/// <param name="Samples">Cumulative rollouts of the run after this iteration.</param>
/// <param name="EvalAccuracy">Held-out accuracy after the update, when evaluated.</param>
/// <param name="Loss">Token-mean −log π of the responses the update trained on.</param>
/// <param name="Seconds">Run time after this iteration, summed over the time it was running.</param>
/// <param name="Stage1Reused">Prompts whose stage 1 was skipped or shrunk by stage-1 reuse.</param>
/// <param name="Rounds">Stage-2 rounds drawn (1 for a one-shot allocation; Ada and DAPO draw until done).</param>
/// <param name="ClipFraction">Mean share of response tokens per optimiser step where the update's ratio clip bound.</param>
/// <param name="ApproxKl">Mean k3 estimate of KL(π_old ‖ π_θ) per optimiser step of the update.</param>
/// <param name="Stage1Attempts">Rollouts drawn in stage 1 this iteration (the rest of <paramref name="Attempts"/> is stage 2).</param>
/// <param name="PromptsSkipped">Prompts of the batch drawn for in neither stage (GRESO's skips, or a skipped stage 1 with nothing allocated).</param>
/// <param name="FromHistory">Prompts allocated from an estimate the run had before the iteration (stage 1 skipped or shrunk): Knapsack's pass rates, stage-1 reuse.</param>
/// <param name="EqualRewardGroups">Prompts whose responses this iteration were all accepted or all rejected: the groups GRPO (and DAPO) drop.</param>
[GenerateSerializer, Immutable]
public sealed record IterationSummary(
    [property: Id(0)] int Iteration,
    [property: Id(1)] int Prompts,
    [property: Id(2)] int Budget,
    [property: Id(3)] int PromptsAllocated,
    [property: Id(4)] int MaxSamples,
    [property: Id(5)] string Outcome,
    [property: Id(6)] DateTimeOffset FinishedAt,
    [property: Id(7)] int[]? Histogram = null,
    [property: Id(8)] int Attempts = 0,
    [property: Id(9)] int Acceptances = 0,
    [property: Id(10)] long Samples = 0,
    [property: Id(11)] double? EvalAccuracy = null,
    [property: Id(12)] double? Loss = null,
    [property: Id(13)] double Seconds = 0,
    [property: Id(14)] int Stage1Reused = 0,
    [property: Id(15)] int Rounds = 0,
    [property: Id(16)] int EqualRewardGroups = 0,
    [property: Id(17)] double? ClipFraction = null,
    [property: Id(18)] double? ApproxKl = null,
    [property: Id(19)] int Stage1Attempts = 0,
    [property: Id(20)] int PromptsSkipped = 0,
    [property: Id(21)] int FromHistory = 0)
{
    /// <summary>Accepted / drawn this iteration; 0 when nothing was drawn.</summary>
    public double TrainAcceptRate => Attempts == 0 ? 0 : (double)Acceptances / Attempts;
}
