namespace Orleans.GvmRaft.Rollouts;

/// <summary>What a run's rollout queue persists: the stages it holds, oldest first, and where their items are.</summary>
[GenerateSerializer]
public sealed class RolloutQueueIndex
{
    /// <summary>The stages in the order they were enqueued.</summary>
    [Id(0)]
    public List<QueuedStage> Stages { get; set; } = [];
}
