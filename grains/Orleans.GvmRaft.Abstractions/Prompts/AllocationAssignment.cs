namespace Orleans.GvmRaft.Prompts;

/// <summary>The stage-2 sample count the coordinator gave a prompt in one iteration.</summary>
[GenerateSerializer, Immutable]
public sealed record AllocationAssignment(
    [property: Id(0)] string RunId,
    [property: Id(1)] int Iteration,
    [property: Id(2)] int Samples);
