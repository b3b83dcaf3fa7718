using Orleans.GvmRaft.Policy.Sampling;

namespace Orleans.GvmRaft.Policy.Training;

/// <summary>One response to learn from, with its advantage (1 for an accepted RAFT++ sample).</summary>
/// <param name="Sequence">The prompt and the response.</param>
/// <param name="Advantage">A in −A · clip(π_θ / π_old) over the response's tokens.</param>
/// <param name="OldLogProbs">
/// log π_old of each response token, from the policy that sampled it; null (or of another length)
/// means π_old is taken as the weights at the start of the step, so the ratio is 1 and the step is
/// the plain policy gradient −A · log π.
/// </param>
public sealed record PolicyExample(ScoredSequence Sequence, double Advantage, float[]? OldLogProbs = null);
