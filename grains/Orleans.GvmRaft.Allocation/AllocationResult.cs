namespace Orleans.GvmRaft.Allocation;

/// <summary>Samples per prompt, in input order, summing to the budget, and how they were reached.</summary>
public sealed record AllocationResult(int[] Samples, AllocationOutcome Outcome);
