namespace Orleans.GvmRaft.Prompts;

/// <summary>
/// One batch of verified rollouts of one prompt, as a worker reports it. <see cref="ReportId"/> makes a
/// retried report count once.
/// </summary>
/// <param name="ReportId">Unique per report; a repeat of an id already applied is ignored.</param>
/// <param name="RunId">The training run the rollouts belong to.</param>
/// <param name="Iteration">The run's iteration (≥ 1).</param>
/// <param name="PolicyVersion">The policy version that generated the responses (≥ 0).</param>
/// <param name="Stage">Estimation (stage 1) or allocated sampling (stage 2).</param>
/// <param name="Attempts">Responses drawn.</param>
/// <param name="Acceptances">Responses the verifier accepted (≤ attempts).</param>
/// <param name="GradNorms">Gradient norms of accepted responses that were measured (at most one per acceptance).</param>
/// <param name="ExtendsEstimate">Stage 1 only: add to the prompt's current estimate (re-tagged with this draw) instead of replacing it.</param>
/// <param name="Lineage">The run's policy lineage (the hash of the checkpoint it started from), when known.</param>
[GenerateSerializer, Immutable]
public sealed record RolloutReport(
    [property: Id(0)] string ReportId,
    [property: Id(1)] string RunId,
    [property: Id(2)] int Iteration,
    [property: Id(3)] long PolicyVersion,
    [property: Id(4)] RolloutStage Stage,
    [property: Id(5)] int Attempts,
    [property: Id(6)] int Acceptances,
    [property: Id(7)] double[] GradNorms,
    [property: Id(8)] bool ExtendsEstimate = false,
    [property: Id(9)] string? Lineage = null)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming what makes the report invalid.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ReportId))
        {
            throw new ArgumentException("rollout report: the report id is empty.");
        }

        string where = $"rollout report '{ReportId}'";
        if (string.IsNullOrWhiteSpace(RunId))
        {
            throw new ArgumentException($"{where}: the run id is empty.");
        }

        if (Iteration < 1)
        {
            throw new ArgumentException($"{where}: iteration must be >= 1 (got {Iteration}).");
        }

        if (PolicyVersion < 0)
        {
            throw new ArgumentException($"{where}: policy version must be >= 0 (got {PolicyVersion}).");
        }

        if (Stage is not (RolloutStage.Estimate or RolloutStage.Sample))
        {
            throw new ArgumentException($"{where}: unknown stage {(int)Stage}.");
        }

        if (Attempts < 0)
        {
            throw new ArgumentException($"{where}: attempts must be >= 0 (got {Attempts}).");
        }

        if (Acceptances < 0 || Acceptances > Attempts)
        {
            throw new ArgumentException(
                $"{where}: acceptances must be between 0 and the {Attempts} attempts (got {Acceptances}).");
        }

        if (GradNorms is null)
        {
            throw new ArgumentException($"{where}: gradient norms are missing (send an empty array for none).");
        }

        if (GradNorms.Length > Acceptances)
        {
            throw new ArgumentException(
                $"{where}: {GradNorms.Length} gradient norms for {Acceptances} accepted responses; norms are measured on accepted responses only.");
        }

        for (int i = 0; i < GradNorms.Length; i++)
        {
            double g = GradNorms[i];
            if (!double.IsFinite(g) || g < 0)
            {
                throw new ArgumentException($"{where}: gradient norm {i} must be finite and >= 0 (got {g}).");
            }
        }
    }
}
