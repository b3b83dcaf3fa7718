namespace Orleans.GvmRaft.Prompts;

/// <summary>A prompt's lifetime statistics, across every run and iteration that sampled it.</summary>
[GenerateSerializer, Immutable]
public sealed record PromptStatistics(
    [property: Id(0)] long Attempts,
    [property: Id(1)] long Acceptances,
    [property: Id(2)] long EstimateSamples,
    [property: Id(3)] long AllocatedSamples,
    [property: Id(4)] RunningMoments GradNorms,
    [property: Id(5)] long ReportsApplied)
{
    /// <summary>
    /// A new instance with no rollouts. Deliberately not a shared static: Orleans deserialises
    /// grain state into the instances a fresh state object already holds, so a shared default
    /// would be overwritten by the first prompt read back from storage.
    /// </summary>
    public static PromptStatistics None() => new(0, 0, 0, 0, default, 0);

    /// <summary>Beta posterior on the acceptance rate from the lifetime counts.</summary>
    public AcceptRatePosterior Posterior => AcceptRatePosterior.FromCounts(Attempts, Acceptances);

    /// <summary>Samples spent on this prompt in both stages.</summary>
    public long SamplesSpent => EstimateSamples + AllocatedSamples;

    /// <summary>These statistics with <paramref name="report"/> counted in; the report must be valid.</summary>
    public PromptStatistics With(RolloutReport report) => this with
    {
        Attempts = Attempts + report.Attempts,
        Acceptances = Acceptances + report.Acceptances,
        EstimateSamples = EstimateSamples + (report.Stage == RolloutStage.Estimate ? report.Attempts : 0),
        AllocatedSamples = AllocatedSamples + (report.Stage == RolloutStage.Sample ? report.Attempts : 0),
        GradNorms = GradNorms.Merge(RunningMoments.Of(report.GradNorms)),
        ReportsApplied = ReportsApplied + 1,
    };
}
