namespace Orleans.GvmRaft.Rollouts;

/// <summary>How far the work of one iteration and stage has come.</summary>
[GenerateSerializer, Immutable]
public sealed record QueueProgress(
    [property: Id(0)] int Pending,
    [property: Id(1)] int Leased,
    [property: Id(2)] int Completed,
    [property: Id(3)] int Reissued)
{
    /// <summary>True when every item is completed.</summary>
    public bool Done => Pending == 0 && Leased == 0;
}
