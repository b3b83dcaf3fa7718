namespace Orleans.GvmRaft.Runs;

/// <summary>
/// A run cannot start because no silo of the cluster can host its trainer: no worker silo has
/// joined yet, or none has the trainer role. Nothing was changed; starting again once one has
/// joined goes on.
/// </summary>
[GenerateSerializer]
public sealed class NoWorkerSiloException : Exception
{
    /// <summary>Names the run and what to start.</summary>
    public NoWorkerSiloException(string runId)
        : base($"run '{runId}' cannot start: no worker silo in the cluster can host its trainer; start one (gvm-worker, role trainer or both) and start the run again.")
    {
        RunId = runId;
    }

    /// <summary>The run that could not start.</summary>
    [Id(0)]
    public string RunId { get; }
}
