namespace Orleans.GvmRaft.Embedded.Bench;

/// <summary>The wall time of one iteration, split the same way for the system and the bare loop.</summary>
/// <param name="Sampling">Drawing, verifying and probing the responses of both stages.</param>
/// <param name="Training">The update, the held-out evaluation with it, and (in the system) storing the version.</param>
/// <param name="Total">The whole iteration; what is neither sampling nor training is the rest.</param>
/// <param name="Rollouts">Responses drawn in the iteration.</param>
public sealed record IterationTimes(double Sampling, double Training, double Total, long Rollouts)
{
    /// <summary>Picking the batch, the estimates, the allocation, and whatever else the iteration spent.</summary>
    public double Rest => Total - Sampling - Training;
}
