using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Rollouts;

/// <summary>An item's winning results on their way to the prompt grain (the queue's outbox).</summary>
/// <param name="WorkerId">The worker that produced them.</param>
/// <param name="Report">The report the prompt counts.</param>
/// <param name="Responses">The responses the trainer gets.</param>
[GenerateSerializer, Immutable]
public sealed record PendingResults(
    [property: Id(0)] string WorkerId,
    [property: Id(1)] RolloutReport Report,
    [property: Id(2)] RolloutResponses? Responses);
