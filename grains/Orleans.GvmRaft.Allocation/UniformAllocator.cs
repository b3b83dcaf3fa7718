namespace Orleans.GvmRaft.Allocation;

/// <summary>The vanilla RAFT++/GRPO baseline: every prompt gets <c>N / B</c> samples.</summary>
public static class UniformAllocator
{
    /// <summary>
    /// <c>⌊N / B⌋</c> each; when B does not divide N the remainder goes one apiece to the first
    /// prompts, so the result still sums to exactly N.
    /// </summary>
    public static AllocationResult Allocate(int count, int budget)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(budget);
        var samples = new int[count];
        if (count == 0)
        {
            return new AllocationResult(samples, AllocationOutcome.Uniform);
        }

        int each = budget / count;
        int remainder = budget % count;
        Array.Fill(samples, each);
        for (int i = 0; i < remainder; i++)
        {
            samples[i]++;
        }

        return new AllocationResult(samples, AllocationOutcome.Uniform);
    }
}
