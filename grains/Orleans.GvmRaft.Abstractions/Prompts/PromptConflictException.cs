namespace Orleans.GvmRaft.Prompts;

/// <summary>A prompt id is already defined with a different text, answer or verifier.</summary>
[GenerateSerializer]
public sealed class PromptConflictException : Exception
{
    /// <summary>Creates the exception for the prompt <paramref name="promptId"/>.</summary>
    public PromptConflictException(string promptId)
        : base($"prompt '{promptId}' already exists with a different text, answer or verifier; " +
               "its statistics belong to that prompt, so give the new one another id.")
    {
        PromptId = promptId;
    }

    /// <summary>The id that is taken.</summary>
    [Id(0)]
    public string PromptId { get; }
}
