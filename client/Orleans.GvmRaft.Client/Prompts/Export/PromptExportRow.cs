using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Client.Prompts.Export;

/// <summary>One exported prompt: the columns of the prompt table, plus the rates derived from them.</summary>
public sealed record PromptExportRow(
    string Id,
    string Sets,
    string Text,
    string Answer,
    string Verifier,
    long Attempts,
    long Acceptances,
    double? AcceptRate,
    long EstimateSamples,
    long AllocatedSamples,
    long ReportsApplied,
    long GradCount,
    double GradMean,
    double GradStd,
    string? EstRunId,
    int? EstIteration,
    long? EstPolicyVersion,
    int? EstSamples,
    int? EstAccepted,
    double? EstAcceptRate,
    double? EstGradNorm,
    string? AllocRunId,
    int? AllocIteration,
    int? AllocSamples)
{
    /// <summary>The row of <paramref name="snapshot"/>.</summary>
    public static PromptExportRow Of(PromptSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var d = snapshot.Definition;
        var s = snapshot.Statistics;
        var e = snapshot.LatestEstimate;
        var a = snapshot.LastAllocation;
        return new PromptExportRow(
            d.Id,
            System.Text.Json.JsonSerializer.Serialize(snapshot.Sets ?? []),
            d.Text,
            d.Answer,
            d.Verifier,
            s.Attempts,
            s.Acceptances,
            s.Attempts == 0 ? null : (double)s.Acceptances / s.Attempts,
            s.EstimateSamples,
            s.AllocatedSamples,
            s.ReportsApplied,
            s.GradNorms.Count,
            s.GradNorms.Mean,
            Math.Sqrt(s.GradNorms.Variance),
            e?.RunId,
            e?.Iteration,
            e?.PolicyVersion,
            e?.Samples,
            e?.Accepted,
            e?.AcceptRate,
            e?.GradNorm,
            a?.RunId,
            a?.Iteration,
            a?.Samples);
    }
}
