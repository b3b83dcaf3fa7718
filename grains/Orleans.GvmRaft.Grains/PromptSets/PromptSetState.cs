namespace Orleans.GvmRaft.PromptSets;

/// <summary>What a prompt-set grain persists: its size (the ids live in its shards) and its latest appends.</summary>
[GenerateSerializer]
public sealed class PromptSetState
{
    /// <summary>Prompts in the set.</summary>
    [Id(0)]
    public long Count { get; set; }

    /// <summary>Hashes of the latest appends, newest last: the same list appended again is a repeat, not new members.</summary>
    [Id(1)]
    public List<string> RecentAppends { get; set; } = [];
}
