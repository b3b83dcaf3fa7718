using Orleans.Concurrency;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Workers;

/// <summary>
/// The worker that trains one run's policy (keyed by run id; placed on a worker silo). It owns the
/// model, the optimiser and the held-out set, and publishes every new policy version to the
/// rollout workers.
/// </summary>
public interface IPolicyTrainerGrain : IGrainWithStringKey
{
    /// <summary>Builds and warms up the policy (version 0) and evaluates it; a repeat returns the current version.</summary>
    Task<PolicyUpdate> PrepareAsync(RunConfig config);

    /// <summary>
    /// Trains on the responses the run's queue holds for <paramref name="iteration"/> and makes
    /// version <paramref name="iteration"/>; evaluates it when <paramref name="evaluate"/>. A repeat
    /// for a version already made returns its result without training again.
    /// </summary>
    Task<PolicyUpdate> UpdateAsync(int iteration, bool evaluate);

    /// <summary>The current policy: its version and weights (float32 parameters).</summary>
    [AlwaysInterleave]
    Task<PolicyWeights> GetPolicyAsync();
}
