namespace Orleans.GvmRaft.Catalog;

/// <summary>What importing one batch did.</summary>
/// <param name="Created">Prompts newly stored.</param>
/// <param name="Unchanged">Prompts already stored with the same definition.</param>
/// <param name="Joined">Prompts whose rows did not list the prompt set, sent to it (the set skips any it already holds among its latest).</param>
[GenerateSerializer, Immutable]
public sealed record ImportBatchResult(
    [property: Id(0)] int Created,
    [property: Id(1)] int Unchanged,
    [property: Id(2)] int Joined);
