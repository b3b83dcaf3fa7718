namespace Orleans.GvmRaft.Client.Import;

/// <summary>What an import did: prompts newly created, and prompts that were already there unchanged.</summary>
public sealed record ImportSummary(int Created, int Unchanged);
