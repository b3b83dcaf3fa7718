namespace Orleans.GvmRaft.Embedded.Train;

/// <summary>What a GVM-versus-uniform comparison found, per allocator, averaged over seeds.</summary>
/// <param name="Allocator">Gvm or Uniform.</param>
/// <param name="Seeds">Seeds run.</param>
/// <param name="InitialAccuracy">Mean held-out accuracy after warm-up, before RL.</param>
/// <param name="FinalAccuracy">Mean held-out accuracy after the last iteration (equal samples for both allocators).</param>
/// <param name="SamplesToTarget">Per seed, the cumulative rollouts at the first evaluation reaching the target; null where it never did.</param>
public sealed record ExperimentSummary(string Allocator, int[] Seeds, double InitialAccuracy, double FinalAccuracy, long?[] SamplesToTarget);
