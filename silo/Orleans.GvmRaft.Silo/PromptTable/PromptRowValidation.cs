using System.Text.Json;
using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Silo.PromptTable;

/// <summary>Turns a row back into prompt state, refusing any value the prompt grain could not have written.</summary>
internal static class PromptRowValidation
{
    public static PromptState ToState(PromptRow row)
    {
        string id = row.Id;
        Require(id, "text", !string.IsNullOrWhiteSpace(row.Text), "is empty");
        Require(id, "answer", !string.IsNullOrWhiteSpace(row.Answer), "is empty");
        Require(id, "verifier", VerifierKinds.IsKnown(row.Verifier), $"names an unknown verifier '{row.Verifier}'");
        NotNegative(id, "attempts", row.Attempts);
        NotNegative(id, "acceptances", row.Acceptances);
        Require(id, "acceptances", row.Acceptances <= row.Attempts, $"is {row.Acceptances}, more than the {row.Attempts} attempts");
        NotNegative(id, "estimate_samples", row.EstimateSamples);
        NotNegative(id, "allocated_samples", row.AllocatedSamples);
        Require(id, "attempts", row.EstimateSamples + row.AllocatedSamples == row.Attempts, $"is {row.Attempts}, not estimate_samples + allocated_samples ({row.EstimateSamples + row.AllocatedSamples})");
        NotNegative(id, "reports_applied", row.ReportsApplied);
        var gradNorms = Moments(id, "grad", row.GradCount, row.GradMean, row.GradM2);
        Require(id, "grad_count", gradNorms.Count <= row.Acceptances, $"is {gradNorms.Count}, more than the {row.Acceptances} acceptances");

        var state = new PromptState
        {
            Definition = new PromptDefinition(id, row.Text, row.Answer, row.Verifier),
            Statistics = new PromptStatistics(row.Attempts, row.Acceptances, row.EstimateSamples, row.AllocatedSamples, gradNorms, row.ReportsApplied),
            LatestEstimate = Estimate(row),
            LastAllocation = Allocation(row),
            Sets = Json(id, "sets", row.Sets, PromptRowJson.ReadStrings),
            History = Json(id, "history", row.History, PromptRowJson.ReadHistory),
            RecentReportIds = Json(id, "report_ids", row.ReportIds, PromptRowJson.ReadStrings),
        };
        return state;
    }

    private static PromptEstimate? Estimate(PromptRow row)
    {
        string id = row.Id;
        if (row.EstRunId is null)
        {
            Require(id, "est_run_id", row.EstSamples is null && row.EstAccepted is null, "is NULL while est_samples or est_accepted is set");
            return null;
        }

        Require(id, "est_iteration", row.EstIteration is >= 1, "must be set and >= 1 with an estimate");
        Require(id, "est_policy_version", row.EstPolicyVersion is >= 0, "must be set and >= 0 with an estimate");
        Require(id, "est_samples", row.EstSamples is >= 0, "must be set and >= 0 with an estimate");
        Require(id, "est_accepted", row.EstAccepted is >= 0 && row.EstAccepted <= row.EstSamples, $"must be between 0 and est_samples ({row.EstSamples})");
        var moments = Moments(id, "est_grad", row.EstGradCount ?? 0, row.EstGradMean ?? 0, row.EstGradM2 ?? 0);
        return new PromptEstimate(row.EstRunId, row.EstIteration!.Value, row.EstPolicyVersion!.Value, row.EstSamples!.Value, row.EstAccepted!.Value, moments);
    }

    private static AllocationAssignment? Allocation(PromptRow row)
    {
        if (row.AllocRunId is null)
        {
            return null;
        }

        Require(row.Id, "alloc_iteration", row.AllocIteration is >= 1, "must be set and >= 1 with an allocation");
        Require(row.Id, "alloc_samples", row.AllocSamples is >= 0, "must be set and >= 0 with an allocation");
        return new AllocationAssignment(row.AllocRunId, row.AllocIteration!.Value, row.AllocSamples!.Value);
    }

    private static RunningMoments Moments(string id, string prefix, long count, double mean, double m2)
    {
        NotNegative(id, $"{prefix}_count", count);
        Require(id, $"{prefix}_mean", double.IsFinite(mean) && mean >= 0, $"is {mean}; gradient norms are finite and >= 0");
        Require(id, $"{prefix}_m2", double.IsFinite(m2) && m2 >= 0, $"is {m2}; a sum of squared deviations is finite and >= 0");
        return new RunningMoments(count, mean, m2);
    }

    private static T Json<T>(string id, string column, string json, Func<string, T> read)
    {
        try
        {
            return read(json);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new PromptRowException(id, column, $"is not valid JSON of its kind ({e.Message})");
        }
    }

    private static void NotNegative(string id, string column, long value) => Require(id, column, value >= 0, $"is {value}; it cannot be negative");

    private static void Require(string id, string column, bool ok, string problem)
    {
        if (!ok)
        {
            throw new PromptRowException(id, column, problem);
        }
    }
}
