using Orleans.GvmRaft.Policy.Sampling;

namespace Orleans.GvmRaft.Policy.Training;

/// <summary>One response to learn from, with its advantage (1 for an accepted RAFT++ sample).</summary>
public sealed record PolicyExample(ScoredSequence Sequence, double Advantage);
