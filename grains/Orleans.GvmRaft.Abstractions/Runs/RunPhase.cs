namespace Orleans.GvmRaft.Runs;

/// <summary>Where a training run is in its life.</summary>
public enum RunPhase
{
    /// <summary>Configured; no iteration allocated yet.</summary>
    Created,

    /// <summary>At least one iteration allocated, more to come.</summary>
    Running,

    /// <summary>The configured number of iterations has been allocated.</summary>
    Completed,
}
