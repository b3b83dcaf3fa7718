using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orleans.GvmRaft.Client;

/// <summary>JSON settings for what <c>gvm</c> prints: camelCase, enums by name, readable text.</summary>
public static class GvmJson
{
    /// <summary>Indented, for one object a person reads.</summary>
    public static JsonSerializerOptions Indented { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
