namespace Orleans.GvmRaft.Prompts;

/// <summary>
/// A prompt refuses rollout results for good: it is not defined (never imported, or deleted), or
/// the report is not one it can count. Sending the same results again cannot succeed, so the
/// queue fails the item and its run stops with this reason. Any other failure of the call (a
/// storage write, a silo going away) is passing, and the results are sent again.
/// </summary>
[GenerateSerializer]
public sealed class ResultsRefusedException : Exception
{
    /// <summary>Names the prompt and why it refuses.</summary>
    public ResultsRefusedException(string promptId, string reason)
        : base(reason)
    {
        PromptId = promptId;
    }

    /// <summary>The prompt that refused.</summary>
    [Id(0)]
    public string PromptId { get; }
}
