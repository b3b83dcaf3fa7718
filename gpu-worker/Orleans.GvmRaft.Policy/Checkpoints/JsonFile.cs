using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orleans.GvmRaft.Policy.Checkpoints;

/// <summary>Small JSON files of a model folder, written whole or not at all.</summary>
internal static class JsonFile
{
    // Tokens such as "<s>" and "Ġ" stay readable instead of becoming \u escapes; the JSON is the same.
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <paramref name="json"/> to <paramref name="path"/> through a temporary file, so a reader never sees half of it.</summary>
    public static void Write(string path, JsonNode json)
    {
        string temporary = path + ".partial";
        File.WriteAllText(temporary, json.ToJsonString(Options));
        File.Move(temporary, path, overwrite: true);
    }
}
