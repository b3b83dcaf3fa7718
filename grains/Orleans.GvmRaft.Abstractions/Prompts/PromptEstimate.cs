namespace Orleans.GvmRaft.Prompts;

/// <summary>
/// The latest stage-1 estimate of a prompt, tagged with the run, iteration and policy version that
/// produced it: p = accepted / samples, G = mean gradient norm over the accepted responses measured.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PromptEstimate(
    [property: Id(0)] string RunId,
    [property: Id(1)] int Iteration,
    [property: Id(2)] long PolicyVersion,
    [property: Id(3)] int Samples,
    [property: Id(4)] int Accepted,
    [property: Id(5)] RunningMoments GradNorms)
{
    /// <summary>p_i = accepted / n0; 0 when nothing was drawn.</summary>
    public double AcceptRate => Samples == 0 ? 0 : (double)Accepted / Samples;

    /// <summary>G_i = mean gradient norm of accepted responses; 0 when none was measured.</summary>
    public double GradNorm => GradNorms.Count == 0 ? 0 : GradNorms.Mean;

    /// <summary>True when <paramref name="report"/> adds to this estimate rather than replacing it.</summary>
    public bool IsSameDraw(RolloutReport report) =>
        report.RunId == RunId && report.Iteration == Iteration && report.PolicyVersion == PolicyVersion;
}
