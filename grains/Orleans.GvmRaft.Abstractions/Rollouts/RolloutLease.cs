namespace Orleans.GvmRaft.Rollouts;

/// <summary>A work item held by one worker until <see cref="ExpiresAt"/>; after that it is issued again.</summary>
[GenerateSerializer, Immutable]
public sealed record RolloutLease(
    [property: Id(0)] RolloutWorkItem Item,
    [property: Id(1)] string WorkerId,
    [property: Id(2)] DateTimeOffset ExpiresAt,
    [property: Id(3)] int Attempt);
