namespace Orleans.GvmRaft.Prompts;

/// <summary>
/// What recording a report did, with what the run needs from the prompt afterwards, so the queue
/// holds the batch's estimates and no second call per prompt is needed to plan or index.
/// </summary>
/// <param name="Disposition">Applied, or a duplicate of a report applied before.</param>
/// <param name="Estimate">The prompt's latest stage-1 estimate after the report.</param>
/// <param name="SamplesSpent">Samples spent on the prompt in its lifetime, both stages, after the report.</param>
[GenerateSerializer, Immutable]
public sealed record PromptRecord(
    [property: Id(0)] ReportDisposition Disposition,
    [property: Id(1)] PromptEstimate? Estimate,
    [property: Id(2)] long SamplesSpent);
