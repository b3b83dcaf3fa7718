namespace Orleans.GvmRaft.Prompts;

/// <summary>
/// A prompt's stored row holds a value the prompt cannot have (a negative count, more acceptances
/// than attempts, malformed JSON), typically from a hand edit. The prompt cannot be activated until
/// the row is mended; every other prompt is unaffected.
/// </summary>
[GenerateSerializer]
public sealed class PromptRowException : Exception
{
    /// <summary>Names the prompt, the column and what is wrong with it.</summary>
    public PromptRowException(string promptId, string column, string problem)
        : base($"prompt '{promptId}': stored column {column} {problem}; mend the row (or restore it) before using this prompt.")
    {
        PromptId = promptId;
        Column = column;
    }

    /// <summary>The prompt whose row is bad.</summary>
    [Id(0)]
    public string PromptId { get; }

    /// <summary>The first bad column found.</summary>
    [Id(1)]
    public string Column { get; }
}
