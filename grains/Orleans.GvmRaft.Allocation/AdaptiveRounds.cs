namespace Orleans.GvmRaft.Allocation;

/// <summary>
/// Reinforce-Ada-style online allocation: the stage-2 budget is drawn in rounds, and a prompt
/// leaves once it has enough signal — at least one accepted and one rejected response, or
/// <c>k</c> accepted — so what is left goes to the prompts still without it.
/// </summary>
public static class AdaptiveRounds
{
    /// <summary>Whether a prompt with these counts still needs samples.</summary>
    /// <param name="drawn">Responses drawn for it so far this iteration (both stages).</param>
    /// <param name="accepted">Of those, accepted.</param>
    /// <param name="enoughAccepted">k: accepted responses that are enough on their own.</param>
    public static bool IsActive(int drawn, int accepted, int enoughAccepted)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(accepted);
        ArgumentOutOfRangeException.ThrowIfLessThan(drawn, accepted);
        ArgumentOutOfRangeException.ThrowIfLessThan(enoughAccepted, 1);
        bool mixed = accepted >= 1 && drawn - accepted >= 1;
        return !mixed && accepted < enoughAccepted;
    }

    /// <summary>
    /// The next round: up to <paramref name="roundSamples"/> more for each active prompt, within
    /// <paramref name="remaining"/>. When the budget cannot give every active prompt a full round,
    /// it is spread evenly, the remainder going one apiece to the active prompts drawn least so far
    /// (ties by position), so the round never exceeds what is left. All zeros means the iteration's
    /// sampling is over: no prompt is active or no budget is left.
    /// </summary>
    /// <param name="drawn">Per prompt, responses drawn so far this iteration.</param>
    /// <param name="accepted">Per prompt, accepted among them.</param>
    /// <param name="remaining">Stage-2 budget not yet spent.</param>
    /// <param name="roundSamples">The most one prompt gets in one round.</param>
    /// <param name="enoughAccepted">k of <see cref="IsActive"/>.</param>
    public static int[] NextRound(IReadOnlyList<int> drawn, IReadOnlyList<int> accepted, int remaining, int roundSamples, int enoughAccepted)
    {
        ArgumentNullException.ThrowIfNull(drawn);
        ArgumentNullException.ThrowIfNull(accepted);
        ArgumentOutOfRangeException.ThrowIfNegative(remaining);
        ArgumentOutOfRangeException.ThrowIfLessThan(roundSamples, 1);
        if (drawn.Count != accepted.Count)
        {
            throw new ArgumentException($"drawn has {drawn.Count} prompts but accepted {accepted.Count}.", nameof(accepted));
        }

        var round = new int[drawn.Count];
        var active = Enumerable.Range(0, drawn.Count).Where(i => IsActive(drawn[i], accepted[i], enoughAccepted)).ToList();
        if (active.Count == 0 || remaining == 0)
        {
            return round;
        }

        int each = Math.Min(roundSamples, remaining / active.Count);
        int extra = each == roundSamples ? 0 : remaining - (each * active.Count);
        foreach (int i in active)
        {
            round[i] = each;
        }

        foreach (int i in active.OrderBy(i => drawn[i]).ThenBy(i => i).Take(extra))
        {
            round[i]++;
        }

        return round;
    }
}
