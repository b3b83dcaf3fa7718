using System.Text.RegularExpressions;

namespace Orleans.GvmRaft.Policy.Verifiers;

/// <summary>GSM8K style: the number after the last <c>####</c> of the response equals the answer's.</summary>
public sealed partial class Gsm8kVerifier : IVerifier
{
    /// <inheritdoc />
    public int Score(string response, string answer)
    {
        string? given = Final(response);
        string expected = Final(answer) ?? answer.Trim();
        return given is not null && (given == expected || NumericAnswer.Equivalent(given, expected)) ? 1 : 0;
    }

    private static string? Final(string text)
    {
        var matches = FinalAnswer().Matches(text);
        return matches.Count == 0 ? null : matches[^1].Groups[1].Value.TrimEnd('.');
    }

    [GeneratedRegex(@"####\s*\$?\s*(-?[0-9][0-9,]*(\.[0-9]+)?)")]
    private static partial Regex FinalAnswer();
}
