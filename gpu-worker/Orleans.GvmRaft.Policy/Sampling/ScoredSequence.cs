namespace Orleans.GvmRaft.Policy.Sampling;

/// <summary>A prompt and a response to it, as token ids; the response tokens are the ones scored.</summary>
public sealed record ScoredSequence(int[] Prompt, int[] Response)
{
    /// <summary>Prompt then response.</summary>
    public int[] Tokens => [.. Prompt, .. Response];
}
