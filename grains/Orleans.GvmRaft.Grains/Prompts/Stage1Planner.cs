namespace Orleans.GvmRaft.Prompts;

/// <summary>
/// The prompt's side of <c>gvm-history</c>: its prior from its persisted statistics and the stage-1
/// draws that prior leaves to make.
/// </summary>
/// <remarks>
/// The prior on p is the last visit by the asking run (both stages' draws), else the last by a run
/// of the same lineage; on G it is the latest stage-1 estimate of that same run. A measurement k
/// policy versions old counts λ^k of its samples; one from another run counts
/// <c>OtherRunDiscount</c> · λ^v at the asking run's version v (versions of two runs are not
/// comparable, and the other run's policy has moved away from the shared start). The prompt then
/// asks for n0 less its prior's effective samples, at least <c>MinDraws</c>: a prompt whose prior is
/// worth a full stage 1 still draws a few, so its gradient norm and pass rate follow the policy.
/// </remarks>
public static class Stage1Planner
{
    /// <summary>The plan for <paramref name="request"/> from <paramref name="visits"/> (oldest first) and <paramref name="latest"/>.</summary>
    public static Stage1Plan Plan(IReadOnlyList<PromptVisit> visits, PromptEstimate? latest, Stage1Request request)
    {
        ArgumentNullException.ThrowIfNull(visits);
        ArgumentNullException.ThrowIfNull(request);
        var settings = request.Settings;
        var own = visits.LastOrDefault(v => v.RunId == request.RunId && v.Iteration < request.Iteration);
        var shared = own is null && request.Lineage is not null && settings.OtherRunDiscount > 0
            ? visits.LastOrDefault(v => v.RunId != request.RunId && v.Lineage == request.Lineage)
            : null;
        if ((own ?? shared) is not { } visit)
        {
            return new Stage1Plan(request.FullDraws, 0, 0, 0, 0, false);
        }

        double weight = Weight(visit.RunId, visit.PolicyVersion, request);
        double samples = weight * visit.Attempts;
        double accepted = weight * visit.Acceptances;
        double gradNorm = 0, gradCount = 0;
        if (latest is not null && latest.RunId == visit.RunId && latest.GradNorms.Count > 0)
        {
            gradNorm = latest.GradNorm;
            gradCount = Weight(latest.RunId, latest.PolicyVersion, request) * latest.GradNorms.Count;
        }

        int draws = Math.Clamp(request.FullDraws - (int)Math.Floor(samples), Math.Min(settings.MinDraws, request.FullDraws), request.FullDraws);

        // A prior without responses (a visit that drew none) says nothing: a full stage 1.
        draws = samples > 0 ? draws : request.FullDraws;
        return new Stage1Plan(draws, samples, accepted, gradNorm, gradCount, shared is not null);
    }

    /// <summary>The weight of a measurement by <paramref name="runId"/> at <paramref name="version"/> for <paramref name="request"/>.</summary>
    public static double Weight(string runId, long version, Stage1Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = request.Settings;
        return runId == request.RunId
            ? Math.Pow(settings.Discount, Math.Max(0, request.PolicyVersion - version))
            : settings.OtherRunDiscount * Math.Pow(settings.Discount, request.PolicyVersion);
    }
}
