namespace Orleans.GvmRaft.Policy.Verifiers;

/// <summary>Scores a response against a prompt's reference answer: 1 accepted, 0 rejected.</summary>
public interface IVerifier
{
    /// <summary>1 when <paramref name="response"/> gives <paramref name="answer"/>, else 0.</summary>
    int Score(string response, string answer);
}
