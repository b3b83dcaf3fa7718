namespace Orleans.GvmRaft.Client.Runs;

/// <summary>One line of <c>metrics.jsonl</c>.</summary>
/// <param name="Iteration">The iteration.</param>
/// <param name="Samples">Cumulative rollouts drawn (both stages).</param>
/// <param name="TrainAcceptRate">Accepted / drawn in this iteration.</param>
/// <param name="EvalAccuracy">Held-out greedy accuracy, when evaluated this iteration.</param>
/// <param name="Seconds">Wall time since training (after warm-up) began.</param>
/// <param name="PromptsSampled">Prompts with n_i &gt; 0 in stage 2.</param>
/// <param name="Loss">Token-mean −log π of the accepted responses the update trained on, before each step.</param>
public sealed record IterationMetrics(
    int Iteration,
    long Samples,
    double TrainAcceptRate,
    double? EvalAccuracy,
    double Seconds,
    int PromptsSampled,
    double Loss);
