namespace Orleans.GvmRaft.Policy.Training;

/// <summary>An update's optimiser steps, averaged over the steps.</summary>
/// <param name="Steps">Optimiser steps taken.</param>
/// <param name="Nll">Mean of each step's token-mean −log π before the step.</param>
/// <param name="ClipFraction">Mean share of tokens where the ratio's clip bound.</param>
/// <param name="ApproxKl">Mean k3 estimate of KL(π_old ‖ π_θ) before each step.</param>
public sealed record UpdateSummary(int Steps, double Nll, double ClipFraction, double ApproxKl)
{
    /// <summary>The mean of <paramref name="steps"/>; null when there were none.</summary>
    public static UpdateSummary? Of(IReadOnlyList<UpdateMetrics> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return steps.Count == 0
            ? null
            : new(steps.Count, steps.Average(s => s.Nll), steps.Average(s => s.ClipFraction), steps.Average(s => s.ApproxKl));
    }
}
