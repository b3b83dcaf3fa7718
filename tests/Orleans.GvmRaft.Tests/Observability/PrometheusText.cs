using System.Globalization;
using System.Text.RegularExpressions;

namespace Orleans.GvmRaft.Tests.Observability;

/// <summary>
/// Reads Prometheus' text exposition format (what a scrape of <c>/metrics</c> returns): every
/// sample line, comments left out. Written from the format's description, independently of the
/// exporter, so a test reads the endpoint as Prometheus would.
/// </summary>
public static partial class PrometheusText
{
    /// <summary>The samples of <paramref name="text"/>; a line that is not a sample fails the parse.</summary>
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<PrometheusSample>();
        foreach (string line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var match = SampleLine().Match(line);
            if (!match.Success)
            {
                throw new FormatException($"not a Prometheus sample line: '{line}'");
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match label in Label().Matches(match.Groups["labels"].Value))
            {
                labels[label.Groups["key"].Value] = label.Groups["value"].Value.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
            }

            samples.Add(new PrometheusSample(match.Groups["name"].Value, labels, ParseValue(match.Groups["value"].Value)));
        }

        return samples;
    }

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+-?\d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(?<key>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(\\.|[^"\\])*)",?""")]
    private static partial Regex Label();
}
