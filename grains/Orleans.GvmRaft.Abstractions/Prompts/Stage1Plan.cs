namespace Orleans.GvmRaft.Prompts;

/// <summary>
/// A prompt's answer to <see cref="Stage1Request"/>: its stage-1 draws and the discounted prior
/// they complete. Samples and counts are effective (discounted), so they need not be whole.
/// </summary>
/// <param name="Draws">Stage-1 draws the prompt asks for: n0 less the prior's effective samples, at least the least draws.</param>
/// <param name="PriorSamples">The prior's effective responses for p.</param>
/// <param name="PriorAccepted">The prior's effective accepted responses.</param>
/// <param name="PriorGradNorm">The prior's mean gradient norm of accepted responses (0 when none).</param>
/// <param name="PriorGradCount">The prior's effective count of measured gradient norms.</param>
/// <param name="FromOtherRun">Whether the prior came from another run of the same lineage.</param>
[GenerateSerializer, Immutable]
public sealed record Stage1Plan(
    [property: Id(0)] int Draws,
    [property: Id(1)] double PriorSamples,
    [property: Id(2)] double PriorAccepted,
    [property: Id(3)] double PriorGradNorm,
    [property: Id(4)] double PriorGradCount,
    [property: Id(5)] bool FromOtherRun)
{
    /// <summary>
    /// p and G from the prior and this iteration's stage 1 together: p = (a′ + a) / (n′ + n), G the
    /// mean of the prior's and the fresh norms weighted by their (effective) counts; the prior alone
    /// where stage 1 drew nothing, the fresh estimate alone where there is no prior.
    /// </summary>
    public (double AcceptRate, double GradNorm) Combine(PromptEstimate? current)
    {
        double samples = PriorSamples + (current?.Samples ?? 0);
        double accepted = PriorAccepted + (current?.Accepted ?? 0);
        double freshCount = current?.GradNorms.Count ?? 0;
        double gradCount = PriorGradCount + freshCount;
        double gradNorm = gradCount == 0 ? 0 : ((PriorGradNorm * PriorGradCount) + ((current?.GradNorm ?? 0) * freshCount)) / gradCount;
        return (samples == 0 ? 0 : accepted / samples, gradNorm);
    }
}
