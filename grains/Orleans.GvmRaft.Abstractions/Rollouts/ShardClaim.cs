namespace Orleans.GvmRaft.Rollouts;

/// <summary>What a shard leased, and when it may next have something to lease.</summary>
/// <param name="Leases">The items leased by this claim.</param>
/// <param name="WakeAt">
/// When nothing more can be claimed now: the earliest lease expiry (an item may be issued again
/// then), or null when every item is done or failed for good. Claims cannot make items claimable,
/// so until then the queue need not ask this shard again.
/// </param>
[GenerateSerializer, Immutable]
public sealed record ShardClaim(
    [property: Id(0)] RolloutLease[] Leases,
    [property: Id(1)] DateTimeOffset? WakeAt);
