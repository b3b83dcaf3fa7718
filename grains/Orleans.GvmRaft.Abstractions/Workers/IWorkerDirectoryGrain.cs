namespace Orleans.GvmRaft.Workers;

/// <summary>
/// Which runs want rollouts and which workers are alive (one grain, key 0). Workers heartbeat here
/// (every <c>Gvm:Worker:HeartbeatInterval</c>, whatever their work is doing) and learn the active
/// runs from the answer, so a worker silo started mid-run finds work within one heartbeat.
/// </summary>
public interface IWorkerDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Records that a worker is alive; returns the ids of the runs that want rollouts.</summary>
    Task<string[]> HeartbeatAsync(WorkerStatus status);

    /// <summary>Marks a run as wanting rollouts, or no longer.</summary>
    Task SetRunActiveAsync(string runId, bool active);

    /// <summary>Workers heard from within the liveness window, busiest first.</summary>
    Task<WorkerStatus[]> GetWorkersAsync();
}
