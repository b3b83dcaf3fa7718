namespace Orleans.GvmRaft.Embedded.Bench;

/// <summary>Mean seconds per iteration in sampling, training and the rest (see <see cref="IterationTimes"/>).</summary>
/// <param name="Sampling">Both stages' responses.</param>
/// <param name="Training">The update and what goes with it.</param>
/// <param name="Rest">Everything else.</param>
public sealed record PhaseSplit(double Sampling, double Training, double Rest)
{
    /// <summary>The means of <paramref name="iterations"/>.</summary>
    public static PhaseSplit Of(IReadOnlyList<IterationTimes> iterations)
    {
        ArgumentNullException.ThrowIfNull(iterations);
        return iterations.Count == 0
            ? new PhaseSplit(0, 0, 0)
            : new PhaseSplit(iterations.Average(i => i.Sampling), iterations.Average(i => i.Training), iterations.Average(i => i.Rest));
    }
}
