namespace Orleans.GvmRaft.PromptSets;

/// <summary>What a prompt-set grain persists: its size; the ids live in its shards.</summary>
[GenerateSerializer]
public sealed class PromptSetState
{
    /// <summary>Prompts in the set.</summary>
    [Id(0)]
    public long Count { get; set; }
}
