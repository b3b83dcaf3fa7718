namespace Orleans.GvmRaft.Prompts;

/// <summary>
/// Everything a prompt grain knows, as <c>gvm prompt show</c> prints it: the history holds the most
/// recent reports, oldest first; the last allocation is the last iteration's stage-2 draw; the sets
/// are the prompt sets it belongs to.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PromptSnapshot(
    [property: Id(0)] PromptDefinition Definition,
    [property: Id(1)] PromptStatistics Statistics,
    [property: Id(2)] PromptEstimate? LatestEstimate,
    [property: Id(3)] AllocationAssignment? LastAllocation,
    [property: Id(4)] IReadOnlyList<PromptHistoryEntry> History,
    [property: Id(5)] IReadOnlyList<string>? Sets = null);
