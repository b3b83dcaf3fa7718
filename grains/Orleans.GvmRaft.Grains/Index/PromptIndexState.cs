namespace Orleans.GvmRaft.Index;

/// <summary>What a prompt-index shard persists.</summary>
[GenerateSerializer]
public sealed class PromptIndexState
{
    /// <summary>Entries by prompt id.</summary>
    [Id(0)]
    public Dictionary<string, PromptIndexEntry> Entries { get; set; } = [];
}
