namespace Orleans.GvmRaft.Prompts;

/// <summary>One applied rollout report in a prompt's history.</summary>
[GenerateSerializer, Immutable]
public sealed record PromptHistoryEntry(
    [property: Id(0)] string RunId,
    [property: Id(1)] int Iteration,
    [property: Id(2)] long PolicyVersion,
    [property: Id(3)] RolloutStage Stage,
    [property: Id(4)] int Attempts,
    [property: Id(5)] int Acceptances,
    [property: Id(6)] double MeanGradNorm)
{
    /// <summary>The entry for <paramref name="report"/>.</summary>
    public static PromptHistoryEntry Of(RolloutReport report) => new(
        report.RunId,
        report.Iteration,
        report.PolicyVersion,
        report.Stage,
        report.Attempts,
        report.Acceptances,
        report.GradNorms.Length == 0 ? 0 : report.GradNorms.Average());
}
