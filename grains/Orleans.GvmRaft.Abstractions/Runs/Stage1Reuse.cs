using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Runs;

/// <summary>
/// Lets a prompt skip or shrink stage 1 when its persisted estimate is recent and confident. Off
/// by default (<see cref="MaxPolicyLag"/> = 0): the reference always draws n0.
/// </summary>
/// <param name="MaxPolicyLag">k: an estimate is recent when its policy version is at least the current one minus k (0 = off).</param>
/// <param name="MaxInterval">w: an estimate is confident when its acceptance rate's 95 % posterior interval is narrower than w.</param>
/// <param name="Samples">m: stage-1 draws for a prompt whose estimate is reused, folded into that estimate (0 = skip stage 1).</param>
[GenerateSerializer, Immutable]
public sealed record Stage1Reuse(
    [property: Id(0)] int MaxPolicyLag = 0,
    [property: Id(1)] double MaxInterval = 0.25,
    [property: Id(2)] int Samples = 0)
{
    /// <summary>Whether reuse is on.</summary>
    public bool Enabled => MaxPolicyLag > 0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        RunConfig.Require(MaxPolicyLag >= 0, "stage1Reuse.maxPolicyLag", $"must be >= 0, 0 meaning off (got {MaxPolicyLag})");
        RunConfig.Require(double.IsFinite(MaxInterval) && MaxInterval > 0 && MaxInterval <= 1, "stage1Reuse.maxInterval", $"must be in (0, 1] (got {MaxInterval})");
        RunConfig.Require(Samples >= 0, "stage1Reuse.samples", $"must be >= 0, 0 meaning skip (got {Samples})");
    }

    /// <summary>
    /// Whether <paramref name="estimate"/> may stand in for a fresh stage 1 of run
    /// <paramref name="runId"/> under policy version <paramref name="currentVersion"/>: made by
    /// this run's policy (another run's versions are another policy), recent and confident enough.
    /// </summary>
    public bool CanReuse(PromptEstimate? estimate, string runId, long currentVersion) =>
        Enabled
        && estimate is not null
        && estimate.RunId == runId
        && estimate.Samples > 0
        && currentVersion - estimate.PolicyVersion <= MaxPolicyLag
        && IntervalWidth(estimate.Samples, estimate.Accepted) < MaxInterval;

    /// <summary>
    /// Width of the central 95 % interval of the Beta(1 + a, 1 + r) posterior, by its normal
    /// approximation (mean ± 1.96 sd, clipped to [0, 1]); close to the exact width once a few
    /// dozen samples are in, which is where reuse matters.
    /// </summary>
    public static double IntervalWidth(long samples, long accepted)
    {
        var posterior = AcceptRatePosterior.FromCounts(samples, accepted);
        double half = 1.959963984540054 * Math.Sqrt(posterior.Variance);
        return Math.Min(1, posterior.Mean + half) - Math.Max(0, posterior.Mean - half);
    }
}
