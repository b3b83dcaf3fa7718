namespace Orleans.GvmRaft.Tests.Allocation;

/// <summary>One case of fixtures/allocation-cases.json, computed by fixtures/gen_allocation_cases.py.</summary>
public sealed record AllocationCase(
    double[] AcceptRates,
    double[] GradNorms,
    int Budget,
    double Alpha,
    double Beta,
    double FilterThreshold,
    double FilterInsufficient,
    int[] Samples,
    string Outcome);
