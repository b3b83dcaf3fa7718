namespace Orleans.GvmRaft.Runs;

/// <summary>Where a training run is in its life.</summary>
public enum RunPhase
{
    /// <summary>Configured; not started and no iteration allocated yet.</summary>
    Created,

    /// <summary>Iterations in progress: driven by the run grain, or allocated by a caller.</summary>
    Running,

    /// <summary>The configured number of iterations is done.</summary>
    Completed,

    /// <summary>Stopped for good: work could not be done (the reason is the snapshot's last error).</summary>
    Failed,

    /// <summary>Stopped by <c>gvm run pause</c> at a step boundary; <c>resume</c> goes on from there.</summary>
    Paused,

    /// <summary>Ended for good by <c>gvm run stop</c>; its state and checkpoints stay readable.</summary>
    Stopped,
}
