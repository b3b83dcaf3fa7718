namespace Orleans.GvmRaft.Allocation;

/// <summary>
/// DAPO-style dynamic sampling for GRPO: a group whose rewards are all equal has zero advantage
/// everywhere and teaches nothing, so it is dropped and fresh prompts are drawn in its place until
/// the batch holds enough informative groups or the refill budget is spent.
/// </summary>
public static class DynamicSampling
{
    /// <summary>Whether a group of <paramref name="drawn"/> responses with <paramref name="accepted"/> accepted has rewards that differ.</summary>
    public static bool IsInformative(int drawn, int accepted)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(accepted);
        ArgumentOutOfRangeException.ThrowIfLessThan(drawn, accepted);
        return accepted > 0 && accepted < drawn;
    }

    /// <summary>
    /// How many fresh prompts to draw next: one per missing informative group, as many as
    /// <paramref name="remaining"/> pays for at <paramref name="groupSize"/> responses each, and no
    /// more than <paramref name="available"/> (prompts of the set not yet in the batch).
    /// </summary>
    public static int RefillCount(int informative, int target, int remaining, int groupSize, int available)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(informative);
        ArgumentOutOfRangeException.ThrowIfNegative(remaining);
        ArgumentOutOfRangeException.ThrowIfNegative(available);
        ArgumentOutOfRangeException.ThrowIfLessThan(groupSize, 1);
        int missing = Math.Max(0, target - informative);
        return Math.Min(Math.Min(missing, remaining / groupSize), available);
    }
}
