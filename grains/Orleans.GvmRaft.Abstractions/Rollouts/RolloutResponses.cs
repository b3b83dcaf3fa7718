namespace Orleans.GvmRaft.Rollouts;

/// <summary>The responses a worker drew for one work item, kept by the queue for the trainer.</summary>
/// <param name="ItemId">The work item.</param>
/// <param name="PromptId">Its prompt.</param>
/// <param name="PromptTokens">The prompt's token ids as the policy saw them.</param>
/// <param name="Responses">Each response's token ids, in drawing order.</param>
/// <param name="Rewards">Each response's reward (1 accepted, 0 rejected).</param>
/// <param name="LogProbs">
/// Each response's per-token log-probabilities under the policy version that drew it (π_old of the
/// update's clipped ratio); null from workers that do not send them, when the ratio is taken as 1.
/// </param>
[GenerateSerializer, Immutable]
public sealed record RolloutResponses(
    [property: Id(0)] string ItemId,
    [property: Id(1)] string PromptId,
    [property: Id(2)] int[] PromptTokens,
    [property: Id(3)] int[][] Responses,
    [property: Id(4)] int[] Rewards,
    [property: Id(5)] float[][]? LogProbs = null);
