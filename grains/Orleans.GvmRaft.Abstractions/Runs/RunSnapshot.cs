namespace Orleans.GvmRaft.Runs;

/// <summary>A training run as the client sees it.</summary>
[GenerateSerializer, Immutable]
public sealed record RunSnapshot(
    [property: Id(0)] string RunId,
    [property: Id(1)] RunConfig Config,
    [property: Id(2)] RunPhase Phase,
    [property: Id(3)] int CompletedIterations,
    [property: Id(4)] IReadOnlyList<IterationSummary> History,
    [property: Id(5)] DateTimeOffset CreatedAt);
