namespace Orleans.GvmRaft.Prompts;

/// <summary>
/// The stage-2 samples a prompt drew in one iteration of a run (the sum of its stage-2 results
/// there). The run's plan and index hold every prompt's allocation, zeros included.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AllocationAssignment(
    [property: Id(0)] string RunId,
    [property: Id(1)] int Iteration,
    [property: Id(2)] int Samples);
