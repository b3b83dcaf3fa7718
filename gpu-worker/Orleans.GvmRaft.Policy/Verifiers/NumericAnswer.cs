using System.Globalization;
using System.Text.RegularExpressions;

namespace Orleans.GvmRaft.Policy.Verifiers;

/// <summary>Reads an answer as a number when it is one: integers, decimals, thousands separators, a/b and \frac{a}{b}.</summary>
public static partial class NumericAnswer
{
    /// <summary>The value of <paramref name="text"/>, or null when it is not a plain number.</summary>
    public static double? TryParse(string text)
    {
        string s = text.Trim();
        if (ThousandsPattern().IsMatch(s))
        {
            s = s.Replace(",", "", StringComparison.Ordinal);
        }

        if (double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value))
        {
            return value;
        }

        var fraction = FractionPattern().Match(s);
        if (fraction.Success)
        {
            double numerator = double.Parse(fraction.Groups["n"].Value, CultureInfo.InvariantCulture);
            double denominator = double.Parse(fraction.Groups["d"].Value, CultureInfo.InvariantCulture);
            double sign = fraction.Groups["sign"].Value == "-" ? -1 : 1;
            return denominator == 0 ? null : sign * numerator / denominator;
        }

        return null;
    }

    /// <summary>True when both parse as numbers and agree to a relative 1e-9.</summary>
    public static bool Equivalent(string a, string b) =>
        TryParse(a) is double x && TryParse(b) is double y && Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y)));

    [GeneratedRegex(@"^-?\d{1,3}(,\d{3})+(\.\d+)?$")]
    private static partial Regex ThousandsPattern();

    [GeneratedRegex(@"^(?<sign>-?)(\\frac\{(?<n>\d+(\.\d+)?)\}\{(?<d>\d+(\.\d+)?)\}|(?<n>\d+)/(?<d>\d+))$")]
    private static partial Regex FractionPattern();
}
