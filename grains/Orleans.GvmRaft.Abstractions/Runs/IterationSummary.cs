namespace Orleans.GvmRaft.Runs;

/// <summary>A compact record of one allocated iteration, kept in the run's history.</summary>
[GenerateSerializer, Immutable]
public sealed record IterationSummary(
    [property: Id(0)] int Iteration,
    [property: Id(1)] int Prompts,
    [property: Id(2)] int Budget,
    [property: Id(3)] int PromptsAllocated,
    [property: Id(4)] int MaxSamples,
    [property: Id(5)] string Outcome,
    [property: Id(6)] DateTimeOffset AllocatedAt);
