namespace Orleans.GvmRaft.PromptSets;

/// <summary>How a prompt set's ids map onto its shards.</summary>
public static class PromptSetLayout
{
    /// <summary>Ids per shard: a shard's state stays well under a megabyte of ids.</summary>
    public const int ShardSize = 16_384;

    /// <summary>The key of shard <paramref name="index"/> of <paramref name="set"/>.</summary>
    public static string ShardKey(string set, long index) => $"{set}/{index}";

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="set"/> is a usable set name.</summary>
    public static void ValidateName(string? set)
    {
        if (string.IsNullOrWhiteSpace(set) || set.Length > 128 || set.Contains('/') || set.Any(char.IsControl))
        {
            throw new ArgumentException($"prompt set name '{set}' must be 1-128 characters without '/' or control characters.");
        }
    }
}
