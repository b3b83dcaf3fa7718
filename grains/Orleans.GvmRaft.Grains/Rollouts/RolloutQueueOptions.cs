using Orleans.GvmRaft.Configuration;

namespace Orleans.GvmRaft.Rollouts;

/// <summary>Settings of the rollout queues (section <c>Gvm:Rollouts</c>).</summary>
public sealed class RolloutQueueOptions : IValidatableOptions
{
    /// <inheritdoc />
    public static string SectionName => "Gvm:Rollouts";

    /// <summary>
    /// How long a worker holds an item before it is issued to another. Longer than the slowest
    /// honest batch of generation, short enough that a dead worker's items do not stall an iteration.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Most items one claim returns.</summary>
    public int MaxClaim { get; set; } = 256;

    /// <summary>
    /// Items per shard grain of an iteration's stage. A claim or a batch of results writes the
    /// shards it touches, so smaller shards mean smaller writes (and more grains per stage).
    /// </summary>
    public int ShardSize { get; set; } = 64;

    /// <summary>
    /// Iterations whose work items (and responses) the queue keeps, the newest included; older
    /// ones are cleared when a new iteration is enqueued. At least 2: the trainer reads an
    /// iteration's responses while the next one may already be queued. More keeps a longer record
    /// for <c>GetItemsAsync</c> audits.
    /// </summary>
    public int KeepIterations { get; set; } = 2;

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (KeepIterations is < 2 or > 100_000)
        {
            yield return $"{SectionName}:KeepIterations must be between 2 and 100000 (got {KeepIterations}).";
        }

        if (LeaseDuration <= TimeSpan.Zero || LeaseDuration > TimeSpan.FromHours(6))
        {
            yield return $"{SectionName}:LeaseDuration must be between 0 and 6 hours (got {LeaseDuration}).";
        }

        if (MaxClaim is < 1 or > 100_000)
        {
            yield return $"{SectionName}:MaxClaim must be between 1 and 100000 (got {MaxClaim}).";
        }

        if (ShardSize is < 1 or > 1_000_000)
        {
            yield return $"{SectionName}:ShardSize must be between 1 and 1000000 (got {ShardSize}).";
        }
    }
}
