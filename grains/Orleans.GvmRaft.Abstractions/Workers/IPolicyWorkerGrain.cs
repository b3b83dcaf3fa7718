using Orleans.Concurrency;

namespace Orleans.GvmRaft.Workers;

/// <summary>
/// A rollout worker, one per worker silo (keyed by the silo's worker id, activated on that silo):
/// it pulls leased work from every active run's queue, samples with the policy version each item
/// names and pushes the verified results back, batched per prompt.
/// </summary>
public interface IPolicyWorkerGrain : IGrainWithStringKey
{
    /// <summary>Starts pulling work; a repeat is a no-op.</summary>
    Task StartAsync();

    /// <summary>What the worker has done so far.</summary>
    [AlwaysInterleave]
    Task<WorkerStatus> GetStatusAsync();
}
