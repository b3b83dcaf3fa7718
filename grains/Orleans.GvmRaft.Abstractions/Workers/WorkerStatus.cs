namespace Orleans.GvmRaft.Workers;

/// <summary>A rollout worker as it last reported itself.</summary>
/// <param name="WorkerId">The worker's id (one per worker silo).</param>
/// <param name="Silo">The silo it runs on.</param>
/// <param name="SeenAt">When it last reported.</param>
/// <param name="Items">Work items it completed.</param>
/// <param name="Rollouts">Responses it drew for completed items.</param>
/// <param name="PolicyVersion">The policy version it last sampled with (−1 before any).</param>
/// <param name="StartedAt">When this activation of the worker started (its counts start there).</param>
[GenerateSerializer, Immutable]
public sealed record WorkerStatus(
    [property: Id(0)] string WorkerId,
    [property: Id(1)] string Silo,
    [property: Id(2)] DateTimeOffset SeenAt,
    [property: Id(3)] long Items,
    [property: Id(4)] long Rollouts,
    [property: Id(5)] long PolicyVersion,
    [property: Id(6)] DateTimeOffset StartedAt = default);
