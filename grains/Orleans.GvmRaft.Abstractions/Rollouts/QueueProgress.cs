namespace Orleans.GvmRaft.Rollouts;

/// <summary>How far the work of one iteration and stage has come.</summary>
/// <param name="Pending">Items waiting for a worker (never claimed, or their lease expired).</param>
/// <param name="Leased">Items a worker holds.</param>
/// <param name="Completed">Items whose results are in.</param>
/// <param name="Reissued">Items issued more than once.</param>
/// <param name="Attempts">Responses drawn for completed items.</param>
/// <param name="Acceptances">Responses accepted among them.</param>
/// <param name="LeasedBy">The workers holding live leases, each once.</param>
/// <param name="Failures">Why items failed (see <c>FailAsync</c>), each reason once.</param>
/// <param name="OldestLeaseSince">When the oldest live lease was taken; null when no item is leased.</param>
/// <param name="Excluded">The prompts of excluded items (see <c>ExcludeAsync</c>), each with the first reason given: they cannot be sampled. The items count as done.</param>
[GenerateSerializer, Immutable]
public sealed record QueueProgress(
    [property: Id(0)] int Pending,
    [property: Id(1)] int Leased,
    [property: Id(2)] int Completed,
    [property: Id(3)] int Reissued,
    [property: Id(4)] int Attempts = 0,
    [property: Id(5)] int Acceptances = 0,
    [property: Id(6)] string[]? LeasedBy = null,
    [property: Id(7)] string[]? Failures = null,
    [property: Id(8)] DateTimeOffset? OldestLeaseSince = null,
    [property: Id(9)] Dictionary<string, string>? Excluded = null)
{
    /// <summary>True when every item is completed.</summary>
    public bool Done => Pending == 0 && Leased == 0;
}
