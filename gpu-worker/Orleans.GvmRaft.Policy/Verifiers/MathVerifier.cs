namespace Orleans.GvmRaft.Policy.Verifiers;

/// <summary>
/// MATH style: the last <c>\boxed{}</c> of the response, normalised, equals the normalised answer,
/// or both read as the same number. No box, an unclosed box or a different value scores 0.
/// </summary>
public sealed class MathVerifier : IVerifier
{
    /// <inheritdoc />
    public int Score(string response, string answer)
    {
        string? boxed = MathAnswer.LastBoxed(response);
        if (boxed is null)
        {
            return 0;
        }

        // The reference answer may itself be a boxed solution.
        string expected = MathAnswer.LastBoxed(answer) ?? answer;
        string a = MathAnswer.Normalize(boxed);
        string b = MathAnswer.Normalize(expected);
        return a == b || NumericAnswer.Equivalent(a, b) || NumericAnswer.Equivalent(boxed, expected) ? 1 : 0;
    }
}
