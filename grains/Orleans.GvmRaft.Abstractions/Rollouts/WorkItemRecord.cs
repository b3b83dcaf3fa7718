namespace Orleans.GvmRaft.Rollouts;

/// <summary>One work item as the queue records it, for audits and operators.</summary>
/// <param name="ItemId">The work item.</param>
/// <param name="PromptId">Its prompt.</param>
/// <param name="Count">Responses it asks for.</param>
/// <param name="Leases">How many times it was leased (more than one: issued again).</param>
/// <param name="LeasedTo">The worker holding a live lease on it, when not completed.</param>
/// <param name="CompletedBy">The worker whose results were recorded, once completed.</param>
/// <param name="Drawn">Responses recorded.</param>
/// <param name="Accepted">Accepted responses recorded.</param>
/// <param name="Estimate">The prompt's stage-1 estimate as recording the results left it (what the run allocates from).</param>
/// <param name="SamplesSpent">The prompt's lifetime samples as recording the results left them (what the run's index shows).</param>
[GenerateSerializer, Immutable]
public sealed record WorkItemRecord(
    [property: Id(0)] string ItemId,
    [property: Id(1)] string PromptId,
    [property: Id(2)] int Count,
    [property: Id(3)] int Leases,
    [property: Id(4)] string? LeasedTo,
    [property: Id(5)] string? CompletedBy,
    [property: Id(6)] int Drawn,
    [property: Id(7)] int Accepted,
    [property: Id(8)] Prompts.PromptEstimate? Estimate = null,
    [property: Id(9)] long SamplesSpent = 0);
