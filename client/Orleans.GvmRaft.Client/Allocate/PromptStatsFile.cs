using System.Text.Json;
using Orleans.GvmRaft.Client.Input;

namespace Orleans.GvmRaft.Client.Allocate;

/// <summary>The per-prompt statistics <c>gvm allocate</c> reads: <c>{"id", "acceptRate", "gradNorm"}</c> per line.</summary>
public sealed class PromptStatsFile
{
    private PromptStatsFile(List<string> ids, List<double> acceptRates, List<double> gradNorms)
    {
        Ids = ids;
        AcceptRates = acceptRates;
        GradNorms = gradNorms;
    }

    /// <summary>Prompt ids in file order.</summary>
    public IReadOnlyList<string> Ids { get; }

    /// <summary>p_i in [0, 1].</summary>
    public List<double> AcceptRates { get; }

    /// <summary>G_i ≥ 0.</summary>
    public List<double> GradNorms { get; }

    /// <summary>Reads and validates the whole file; the first bad line throws <see cref="InputFileException"/>.</summary>
    public static PromptStatsFile Read(TextReader reader, string path)
    {
        var ids = new List<string>();
        var acceptRates = new List<double>();
        var gradNorms = new List<double>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        JsonLines.ForEachObject(reader, path, (obj, line) =>
        {
            string id = obj.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String
                ? idValue.GetString()!
                : throw new InputFileException(path, line, "\"id\" must be a string.");
            if (!firstLine.TryAdd(id, line))
            {
                throw new InputFileException(path, line, $"duplicate id '{id}' (first on line {firstLine[id]}).");
            }

            double p = ReadNumber(obj, "acceptRate", path, line);
            if (p is < 0 or > 1)
            {
                throw new InputFileException(path, line, $"\"acceptRate\" must be in [0, 1] (got {p}).");
            }

            double g = ReadNumber(obj, "gradNorm", path, line);
            if (g < 0)
            {
                throw new InputFileException(path, line, $"\"gradNorm\" must be >= 0 (got {g}).");
            }

            ids.Add(id);
            acceptRates.Add(p);
            gradNorms.Add(g);
        });
        return new PromptStatsFile(ids, acceptRates, gradNorms);
    }

    private static double ReadNumber(JsonElement obj, string name, string path, int line)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            throw new InputFileException(path, line, $"\"{name}\" is missing.");
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || !double.IsFinite(number))
        {
            throw new InputFileException(path, line, $"\"{name}\" must be a finite number, found {JsonLines.Describe(value)}.");
        }

        return number;
    }
}
