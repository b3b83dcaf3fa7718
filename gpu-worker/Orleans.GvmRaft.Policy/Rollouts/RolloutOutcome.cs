using Orleans.GvmRaft.Policy.Sampling;

namespace Orleans.GvmRaft.Policy.Rollouts;

/// <summary>The verified responses to one request.</summary>
/// <param name="Responses">Every response with its reward (1 accepted, 0 rejected), in drawing order.</param>
/// <param name="GradNorms">Gradient norms of the accepted responses, in order, when they were measured; else empty.</param>
/// <param name="LogProbs">
/// Each response's per-token log-probabilities under the sampling policy (temperature-scaled, before
/// top-k/top-p), in order: RAFT++'s and GRPO's π_old. Null when not kept; a response whose entry's
/// length differs from its tokens' (an empty draw stood in for by the stop token) has none.
/// </param>
public sealed record RolloutOutcome(IReadOnlyList<(ScoredSequence Sequence, int Reward)> Responses, double[] GradNorms, float[][]? LogProbs = null)
{
    /// <summary>Responses drawn.</summary>
    public int Attempts => Responses.Count;

    /// <summary>Responses accepted.</summary>
    public int Acceptances => Responses.Count(r => r.Reward == 1);

    /// <summary>The accepted responses, the RAFT++ training data.</summary>
    public IEnumerable<ScoredSequence> Accepted => Responses.Where(r => r.Reward == 1).Select(r => r.Sequence);
}
