namespace Orleans.GvmRaft.Allocation;

/// <summary>
/// GRESO's pre-rollout skip (arXiv 2506.02177, DESIGN §4): a prompt whose recent epochs were all
/// correct (easy) or all wrong (hard) is skipped before any rollout with probability
/// 1 − max(p^count, 0.01); the base probabilities p_easy and p_hard adapt after each step so the
/// batch's zero-variance groups stay near their targets.
/// </summary>
public static class GresoFilter
{
    /// <summary>A trace entry at or above this mean reward counts as all correct.</summary>
    public const double EasyMean = 0.98;

    /// <summary>A trace entry at or below this mean reward counts as all wrong.</summary>
    public const double HardMean = 0.11;

    /// <summary>The least probability of keeping a prompt, however long its streak.</summary>
    public const double MinKeep = 0.01;

    /// <summary>The starting p_easy and p_hard (the reference's scripts).</summary>
    public const double Initial = 0.5;

    /// <summary>How far one step moves p_easy or p_hard.</summary>
    public const double Step = 0.01;

    /// <summary>The least p_easy or p_hard.</summary>
    public const double Lowest = 0.05;

    /// <summary>The most p_easy or p_hard.</summary>
    public const double Highest = 0.95;

    /// <summary>The target share of all-wrong groups in a batch: 2/3 of the zero-variance target 0.25.</summary>
    public const double HardTarget = 0.25 * 2 / 3;

    /// <summary>The target share of all-correct groups in a batch: 1/3 of the zero-variance target 0.25.</summary>
    public const double EasyTarget = 0.25 / 3;

    /// <summary>
    /// The probability of skipping a prompt whose per-epoch mean rewards, oldest first, are
    /// <paramref name="trace"/>: the easy streak when the last epoch was all correct, the hard
    /// streak when it was at or below <see cref="HardMean"/>, else 0.
    /// </summary>
    public static double SkipProbability(IReadOnlyList<double> trace, double pEasy, double pHard)
    {
        ArgumentNullException.ThrowIfNull(trace);
        int easy = Streak(trace, m => m >= EasyMean);
        if (easy > 0)
        {
            return 1 - Math.Max(Math.Pow(pEasy, easy), MinKeep);
        }

        int hard = Streak(trace, m => m <= HardMean);
        return hard > 0 ? 1 - Math.Max(Math.Pow(pHard, hard), MinKeep) : 0;
    }

    /// <summary>
    /// p after a step whose batch had <paramref name="share"/> of its groups at the zero-variance
    /// kind p governs: down by <see cref="Step"/> when the share is at or above
    /// <paramref name="target"/> (skip more), up otherwise, within [<see cref="Lowest"/>, <see cref="Highest"/>].
    /// </summary>
    public static double Adjust(double p, double share, double target) =>
        Math.Clamp(share >= target ? p - Step : p + Step, Lowest, Highest);

    // How many of the most recent entries in a row satisfy the condition.
    private static int Streak(IReadOnlyList<double> trace, Func<double, bool> condition)
    {
        int count = 0;
        for (int i = trace.Count - 1; i >= 0 && condition(trace[i]); i--)
        {
            count++;
        }

        return count;
    }
}
