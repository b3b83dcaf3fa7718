using System.Text.RegularExpressions;

namespace Orleans.GvmRaft.Policy.Verifiers;

/// <summary>
/// Extraction and normalisation of MATH-style answers: the last <c>\boxed{...}</c> of a response,
/// and the string normalisation of the MATH benchmark's evaluation.
/// </summary>
public static partial class MathAnswer
{
    /// <summary>The contents of the last <c>\boxed{...}</c> (or <c>\fbox{...}</c>), nested braces allowed; null when there is none or it is unclosed.</summary>
    public static string? LastBoxed(string text)
    {
        int start = Math.Max(text.LastIndexOf("\\boxed", StringComparison.Ordinal), text.LastIndexOf("\\fbox", StringComparison.Ordinal));
        if (start < 0)
        {
            return null;
        }

        int open = text.IndexOf('{', start);
        string command = text[start..].StartsWith("\\boxed", StringComparison.Ordinal) ? "\\boxed" : "\\fbox";
        if (open < 0 || !string.IsNullOrWhiteSpace(text[(start + command.Length)..open]))
        {
            // "\boxed 5" form: the answer runs to the next '$' or the end.
            string rest = text[(start + command.Length)..];
            if (rest.Length == 0 || !char.IsWhiteSpace(rest[0]))
            {
                return null;
            }

            int dollar = rest.IndexOf('$', StringComparison.Ordinal);
            string value = (dollar < 0 ? rest : rest[..dollar]).Trim();
            return value.Length == 0 ? null : value;
        }

        int depth = 0;
        for (int i = open; i < text.Length; i++)
        {
            if (text[i] == '{')
            {
                depth++;
            }
            else if (text[i] == '}' && --depth == 0)
            {
                return text[(open + 1)..i];
            }
        }

        return null;
    }

    /// <summary>The MATH evaluation's normalisation, so that equivalent spellings compare equal.</summary>
    public static string Normalize(string answer)
    {
        string s = answer.Replace("\n", "", StringComparison.Ordinal)
            .Replace("\\!", "", StringComparison.Ordinal)
            .Replace("\\\\", "\\", StringComparison.Ordinal)
            .Replace("tfrac", "frac", StringComparison.Ordinal)
            .Replace("dfrac", "frac", StringComparison.Ordinal)
            .Replace("\\left", "", StringComparison.Ordinal)
            .Replace("\\right", "", StringComparison.Ordinal)
            .Replace("^{\\circ}", "", StringComparison.Ordinal)
            .Replace("^\\circ", "", StringComparison.Ordinal)
            .Replace("\\$", "", StringComparison.Ordinal);
        s = RemoveRightUnits(s)
            .Replace("\\%", "", StringComparison.Ordinal)
            .Replace("%", "", StringComparison.Ordinal)
            .Replace(" .", " 0.", StringComparison.Ordinal)
            .Replace("{.", "{0.", StringComparison.Ordinal);
        if (s.Length == 0)
        {
            return s;
        }

        if (s[0] == '.')
        {
            s = "0" + s;
        }

        // "x = 5" or "k=5": a short left-hand side is a variable name, not part of the answer.
        var sides = s.Split('=');
        if (sides.Length == 2 && sides[0].Trim().Length <= 2)
        {
            s = sides[1];
        }

        s = SqrtShorthand().Replace(s, "\\sqrt{$1}");
        s = s.Replace(" ", "", StringComparison.Ordinal);
        s = FixFracs(s);
        if (s == "0.5")
        {
            s = "\\frac{1}{2}";
        }

        var slash = IntegerSlash().Match(s);
        return slash.Success ? $"\\frac{{{slash.Groups[1].Value}}}{{{slash.Groups[2].Value}}}" : s;
    }

    // "\text{ cm}" and anything after it is a unit on the right of the value.
    private static string RemoveRightUnits(string s)
    {
        int unit = s.IndexOf("\\text{ ", StringComparison.Ordinal);
        return unit < 0 ? s : s[..unit];
    }

    // \frac12 → \frac{1}{2}, \frac1{b} → \frac{1}{b}, \frac{a}2 → \frac{a}{2}.
    private static string FixFracs(string s)
    {
        var parts = s.Split("\\frac");
        var result = new System.Text.StringBuilder(parts[0]);
        foreach (string part in parts.Skip(1))
        {
            result.Append("\\frac");
            if (part.Length > 0 && part[0] == '{')
            {
                result.Append(part);
            }
            else if (part.Length < 2)
            {
                return s;
            }
            else if (part[1] != '{')
            {
                result.Append('{').Append(part[0]).Append("}{").Append(part[1]).Append('}').Append(part[2..]);
            }
            else
            {
                result.Append('{').Append(part[0]).Append('}').Append(part[1..]);
            }
        }

        return result.ToString();
    }

    [GeneratedRegex(@"\\sqrt(\w)")]
    private static partial Regex SqrtShorthand();

    [GeneratedRegex(@"^(-?\d+)/(\d+)$")]
    private static partial Regex IntegerSlash();
}
