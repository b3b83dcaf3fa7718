namespace Orleans.GvmRaft.PromptSets;

/// <summary>What a prompt-set shard persists: its ids in set order.</summary>
[GenerateSerializer]
public sealed class PromptSetShardState
{
    /// <summary>The ids.</summary>
    [Id(0)]
    public List<string> Ids { get; set; } = [];
}
