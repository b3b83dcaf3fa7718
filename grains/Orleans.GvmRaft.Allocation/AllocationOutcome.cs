namespace Orleans.GvmRaft.Allocation;

/// <summary>How an allocation was reached.</summary>
public enum AllocationOutcome
{
    /// <summary>Proportional to the GVM weights that survived the filters.</summary>
    Weighted,

    /// <summary>
    /// No prompt had a positive weight after the filters (every G or p zero, or everything filtered),
    /// so the budget was spread uniformly instead; the reference divides by zero here.
    /// </summary>
    UniformFallback,

    /// <summary>The uniform baseline was asked for.</summary>
    Uniform,

    /// <summary>Drawn in online rounds until each prompt had enough signal (Reinforce-Ada style).</summary>
    Rounds,

    /// <summary>Groups with equal rewards dropped and refilled with fresh prompts (DAPO dynamic sampling).</summary>
    Refill,
}
