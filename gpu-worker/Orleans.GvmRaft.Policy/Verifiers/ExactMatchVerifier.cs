namespace Orleans.GvmRaft.Policy.Verifiers;

/// <summary>For synthetic tasks: the response, trimmed, is the answer, trimmed.</summary>
public sealed class ExactMatchVerifier : IVerifier
{
    /// <inheritdoc />
    public int Score(string response, string answer) => response.Trim() == answer.Trim() ? 1 : 0;
}
