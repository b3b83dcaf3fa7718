namespace Orleans.GvmRaft.Prompts;

/// <summary>
/// One visit of a prompt by a run (an iteration's batch held it): what both stages drew and how many
/// were accepted. With the epoch sampler a run visits a prompt once per epoch, so a run's visits are
/// the prompt's per-epoch trace that GRESO and Knapsack RL allocate from.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="Iteration">The run's iteration.</param>
/// <param name="PolicyVersion">The policy version that drew them.</param>
/// <param name="Attempts">Responses drawn, both stages.</param>
/// <param name="Acceptances">Responses accepted.</param>
/// <param name="Lineage">The run's policy lineage (the hash of the checkpoint it started from), when known.</param>
[GenerateSerializer, Immutable]
public sealed record PromptVisit(
    [property: Id(0)] string RunId,
    [property: Id(1)] int Iteration,
    [property: Id(2)] long PolicyVersion,
    [property: Id(3)] int Attempts,
    [property: Id(4)] int Acceptances,
    [property: Id(5)] string? Lineage = null)
{
    /// <summary>The visit's mean reward (pass rate); 0 when nothing was drawn.</summary>
    public double PassRate => Attempts == 0 ? 0 : (double)Acceptances / Attempts;

    /// <summary>The visit of <paramref name="report"/>'s run and iteration after adding its draws to <paramref name="same"/> (that visit so far, or none yet).</summary>
    public static PromptVisit Next(PromptVisit? same, RolloutReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return same is not null
            ? same with { Attempts = same.Attempts + report.Attempts, Acceptances = same.Acceptances + report.Acceptances, PolicyVersion = Math.Max(same.PolicyVersion, report.PolicyVersion) }
            : new PromptVisit(report.RunId, report.Iteration, report.PolicyVersion, report.Attempts, report.Acceptances, report.Lineage);
    }
}
