using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Rollouts;

/// <summary>A worker's results for one work item.</summary>
/// <param name="ItemId">The work item.</param>
/// <param name="Report">Its report (report id = item id).</param>
/// <param name="Responses">Its responses, for the trainer.</param>
[GenerateSerializer, Immutable]
public sealed record ItemResults(
    [property: Id(0)] string ItemId,
    [property: Id(1)] RolloutReport Report,
    [property: Id(2)] RolloutResponses? Responses);
