namespace Orleans.GvmRaft.Runs;

/// <summary>
/// The rule every run id follows: 1 to 64 characters, letters, digits, '.', '_' and '-', starting
/// with a letter or digit. Run ids key grains whose keys are composed with '/' (history pages,
/// index shards, work items) and name checkpoint folders and blob prefixes, so '/' and the other
/// characters a path or URL gives meaning to are kept out.
/// </summary>
public static class RunIds
{
    /// <summary>The longest run id.</summary>
    public const int MaxLength = 64;

    /// <summary>The rule, as messages and docs state it.</summary>
    public const string Rule = "1 to 64 characters among letters, digits, '.', '_' and '-', starting with a letter or digit";

    /// <summary>Throws <see cref="ArgumentException"/> naming the rule unless <paramref name="runId"/> follows it.</summary>
    public static string Validate(string? runId) => Problem(runId) is { } problem
        ? throw new ArgumentException($"run id '{runId}' {problem}: a run id is {Rule}.")
        : runId!;

    /// <summary>What is wrong with <paramref name="runId"/>, or null when it follows the rule.</summary>
    public static string? Problem(string? runId)
    {
        if (string.IsNullOrEmpty(runId))
        {
            return "is empty";
        }

        if (runId.Length > MaxLength)
        {
            return $"has {runId.Length} characters";
        }

        if (!char.IsAsciiLetterOrDigit(runId[0]))
        {
            return $"starts with '{runId[0]}'";
        }

        int bad = runId.AsSpan().IndexOfAnyExcept(Allowed);
        return bad < 0 ? null : $"holds '{runId[bad]}' at position {bad + 1}";
    }

    private static readonly System.Buffers.SearchValues<char> Allowed =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");
}
