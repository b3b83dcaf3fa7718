namespace Orleans.GvmRaft.Index;

/// <summary>How a run's prompt index is sharded, and the merge of the shards' answers.</summary>
public static class PromptIndex
{
    /// <summary>Shards per run.</summary>
    public const int Shards = 16;

    /// <summary>The key of shard <paramref name="shard"/> of <paramref name="runId"/>'s index.</summary>
    public static string ShardKey(string runId, int shard) => $"{runId}/{shard}";

    /// <summary>
    /// The shard of a prompt: FNV-1a of its id, because string.GetHashCode differs between
    /// processes and every silo and client must agree.
    /// </summary>
    public static int ShardOf(string promptId)
    {
        ArgumentNullException.ThrowIfNull(promptId);
        uint hash = 2166136261;
        foreach (char c in promptId)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash % Shards);
    }

    /// <summary>The top <paramref name="limit"/> of every shard's top lists.</summary>
    public static PromptIndexEntry[] Merge(IEnumerable<PromptIndexEntry[]> shardTops, PromptRanking by, int limit)
    {
        var all = shardTops.SelectMany(t => t).ToList();
        all.Sort(PromptIndexEntry.Descending(by));
        return [.. all.Take(limit)];
    }
}
