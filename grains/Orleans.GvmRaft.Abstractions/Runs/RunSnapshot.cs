namespace Orleans.GvmRaft.Runs;

/// <summary>A training run as the client sees it.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Config">Its configuration.</param>
/// <param name="Phase">Created, running, paused or completed.</param>
/// <param name="CompletedIterations">Iterations finished, update included.</param>
/// <param name="History">The summaries of the most recent iterations (<c>Gvm:Coordinator:RecentIterations</c>); <see cref="ITrainingRunGrain.GetIterationsAsync"/> has them all.</param>
/// <param name="CreatedAt">When the run was created.</param>
/// <param name="Step">The step of the iteration in progress.</param>
/// <param name="PolicyVersion">The policy version rollouts are drawn with.</param>
/// <param name="LastError">The last error a step hit; the step is retried.</param>
/// <param name="InitialEvalAccuracy">Held-out accuracy of policy version 0, before any RL update.</param>
/// <param name="Samples">Cumulative rollouts.</param>
/// <param name="Seconds">Seconds the run has been driving.</param>
/// <param name="Prepared">Whether policy version 0 exists (warmed up and evaluated, where the policy has a held-out set).</param>
/// <param name="Excluded">Why prompts were left out of the run (they do not fit the model; never trained on), the first 100.</param>
/// <param name="ExcludedCount">How many exclusions the run met in all.</param>
[GenerateSerializer, Immutable]
public sealed record RunSnapshot(
    [property: Id(0)] string RunId,
    [property: Id(1)] RunConfig Config,
    [property: Id(2)] RunPhase Phase,
    [property: Id(3)] int CompletedIterations,
    [property: Id(4)] IReadOnlyList<IterationSummary> History,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] IterationStep Step = IterationStep.PickBatch,
    [property: Id(7)] long PolicyVersion = 0,
    [property: Id(8)] string? LastError = null,
    [property: Id(9)] double? InitialEvalAccuracy = null,
    [property: Id(10)] long Samples = 0,
    [property: Id(11)] double Seconds = 0,
    [property: Id(12)] bool Prepared = false,
    [property: Id(13)] string[]? Excluded = null,
    [property: Id(14)] int ExcludedCount = 0);
