namespace Orleans.GvmRaft.Client.Runs;

/// <summary>One line of <c>metrics.jsonl</c>.</summary>
/// <param name="Iteration">The iteration.</param>
/// <param name="Samples">Cumulative rollouts drawn (both stages).</param>
/// <param name="TrainAcceptRate">Accepted / drawn in this iteration.</param>
/// <param name="EvalAccuracy">Held-out greedy accuracy, when evaluated this iteration.</param>
/// <param name="Seconds">Wall time since training (after warm-up) began.</param>
/// <param name="PromptsSampled">Prompts with n_i &gt; 0 in stage 2.</param>
/// <param name="Loss">Token-mean −log π of the accepted responses the update trained on, before each step.</param>
/// <param name="ClipFraction">Share of response tokens where the update's ratio clip π_θ / π_old bound, mean over its optimiser steps.</param>
/// <param name="ApproxKl">k3 estimate of KL(π_old ‖ π_θ) before each optimiser step of the update, mean over its steps.</param>
/// <param name="Stage1Rollouts">Rollouts drawn in stage 1 this iteration (the rest of the iteration's rollouts are stage 2).</param>
/// <param name="PromptsSkipped">Prompts of the batch drawn for in neither stage (GRESO's skips).</param>
/// <param name="FromHistory">Prompts allocated from an estimate the run had before the iteration (Knapsack's pass rates, stage-1 reuse).</param>
public sealed record IterationMetrics(
    int Iteration,
    long Samples,
    double TrainAcceptRate,
    double? EvalAccuracy,
    double Seconds,
    int PromptsSampled,
    double Loss,
    double ClipFraction = 0,
    double ApproxKl = 0,
    long Stage1Rollouts = 0,
    int PromptsSkipped = 0,
    int FromHistory = 0);
