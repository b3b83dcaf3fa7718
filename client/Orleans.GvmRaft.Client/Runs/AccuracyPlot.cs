using System.Globalization;
using System.Text;

namespace Orleans.GvmRaft.Client.Runs;

/// <summary>An SVG line chart of held-out accuracy against cumulative samples, one line per series.</summary>
public static class AccuracyPlot
{
    private const int Width = 640, Height = 400, Left = 60, Right = 20, Top = 30, Bottom = 50;
    private static readonly string[] Colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

    /// <summary>Renders the series; each point is (x, accuracy in [0, 1]), x being cumulative rollouts unless <paramref name="xLabel"/> says otherwise.</summary>
    public static string Render(string title, IReadOnlyList<(string Name, IReadOnlyList<(long Samples, double Accuracy)> Points)> series, string xLabel = "cumulative rollouts")
    {
        long maxSamples = Math.Max(1, series.SelectMany(s => s.Points).Select(p => p.Samples).DefaultIfEmpty(1).Max());
        double X(long samples) => Left + ((Width - Left - Right) * (double)samples / maxSamples);
        double Y(double accuracy) => Top + ((Height - Top - Bottom) * (1 - accuracy));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"18\" text-anchor=\"middle\">{Escape(title)}</text>\n");
        for (int tick = 0; tick <= 5; tick++)
        {
            double accuracy = tick / 5.0;
            long samples = maxSamples * tick / 5;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(accuracy):F1}\" y2=\"{Y(accuracy):F1}\" stroke=\"#ddd\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Y(accuracy) + 4:F1}\" text-anchor=\"end\">{accuracy:F1}</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(samples):F1}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{samples}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"16\" y=\"{Height / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {Height / 2})\">held-out accuracy</text>\n");
        for (int i = 0; i < series.Count; i++)
        {
            string colour = Colours[i % Colours.Length];
            string points = string.Join(" ", series[i].Points.Select(p => FormattableString.Invariant($"{X(p.Samples):F1},{Y(p.Accuracy):F1}")));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{points}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + 10}\" y=\"{Top + 16 + (i * 16)}\" fill=\"{colour}\">{Escape(series[i].Name)}</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);
}
