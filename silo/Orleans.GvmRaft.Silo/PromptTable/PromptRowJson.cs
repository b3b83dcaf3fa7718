using System.Buffers;
using System.Text;
using System.Text.Json;
using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Silo.PromptTable;

/// <summary>
/// The JSON columns of <c>gvm_prompts</c>: <c>sets</c> and <c>report_ids</c> as arrays of strings,
/// <c>history</c> as an array of objects a team can read with json_each / jsonb_array_elements.
/// </summary>
public static class PromptRowJson
{
    /// <summary>A JSON array of strings.</summary>
    public static string WriteStrings(IEnumerable<string> values)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (string value in values)
            {
                json.WriteStringValue(value);
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The history as a JSON array, oldest first.</summary>
    public static string WriteHistory(IEnumerable<PromptHistoryEntry> history)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var h in history)
            {
                json.WriteStartObject();
                json.WriteString("run", h.RunId);
                json.WriteNumber("iteration", h.Iteration);
                json.WriteNumber("policyVersion", h.PolicyVersion);
                json.WriteString("stage", h.Stage == RolloutStage.Estimate ? "estimate" : "sample");
                json.WriteNumber("attempts", h.Attempts);
                json.WriteNumber("acceptances", h.Acceptances);
                json.WriteNumber("meanGradNorm", h.MeanGradNorm);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads a JSON array of strings; <see cref="JsonException"/> or <see cref="FormatException"/> when it is not one.</summary>
    public static List<string> ReadStrings(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. Array(document.RootElement).Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new FormatException($"holds {e.ValueKind} where a string belongs"))];
    }

    /// <summary>Reads the history column.</summary>
    public static List<PromptHistoryEntry> ReadHistory(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. Array(document.RootElement).Select(e => new PromptHistoryEntry(
            e.GetProperty("run").GetString() ?? throw new FormatException("has an entry without a run"),
            e.GetProperty("iteration").GetInt32(),
            e.GetProperty("policyVersion").GetInt64(),
            e.GetProperty("stage").GetString() switch
            {
                "estimate" => RolloutStage.Estimate,
                "sample" => RolloutStage.Sample,
                var other => throw new FormatException($"has an unknown stage '{other}'"),
            },
            e.GetProperty("attempts").GetInt32(),
            e.GetProperty("acceptances").GetInt32(),
            e.GetProperty("meanGradNorm").GetDouble()))];
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement root) =>
        root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : throw new FormatException($"is a JSON {root.ValueKind}, not an array");
}
