using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orleans.GvmRaft.Policy.Text;

/// <summary>
/// What a Hugging Face <c>tokenizer_config.json</c> says about framing text: the beginning- and
/// end-of-sequence tokens, whether the beginning one is put before every input, and the chat template.
/// </summary>
/// <param name="BosToken">The beginning-of-sequence token's text, if any.</param>
/// <param name="EosToken">The end-of-sequence token's text, if any.</param>
/// <param name="AddBosToken">Whether <paramref name="BosToken"/> goes before every input.</param>
/// <param name="ChatTemplate">The Jinja chat template, if any.</param>
public sealed record HfTokenizerConfig(string? BosToken, string? EosToken, bool AddBosToken, string? ChatTemplate)
{
    /// <summary>A folder without <c>tokenizer_config.json</c>: no tokens named, no template.</summary>
    public static HfTokenizerConfig None { get; } = new(null, null, false, null);

    /// <summary>
    /// Reads <paramref name="path"/>; a missing file is <see cref="None"/>. A template kept beside it
    /// in <c>chat_template.jinja</c>, as newer writers do, stands in for an absent <c>chat_template</c>.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not JSON, or a field has the wrong shape; the message names the path and the field.</exception>
    public static HfTokenizerConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            return None;
        }

        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new InvalidDataException($"{path}: not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON: {e.Message}", e);
        }

        return new HfTokenizerConfig(
            Token(json, "bos_token", path),
            Token(json, "eos_token", path),
            Flag(json, "add_bos_token", path),
            Template(json, path));
    }

    // A token is written either as its text or as an AddedToken object whose "content" is the text.
    private static string? Token(JsonObject json, string field, string path) => json[field] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonObject added when added["content"] is JsonValue content && content.GetValueKind() == JsonValueKind.String => content.GetValue<string>(),
        _ => throw new InvalidDataException($"{path}: \"{field}\" must be a string, an object with a string \"content\", or null."),
    };

    private static bool Flag(JsonObject json, string field, string path) => json[field] switch
    {
        null => false,
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        _ => throw new InvalidDataException($"{path}: \"{field}\" must be true, false or null."),
    };

    // One template, or several named ones of which "default" is the one used for plain chat.
    private static string? Template(JsonObject json, string path)
    {
        switch (json["chat_template"])
        {
            case null:
                string beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "chat_template.jinja");
                return File.Exists(beside) ? File.ReadAllText(beside) : null;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return value.GetValue<string>();
            case JsonArray list:
                var named = list.Select(entry => NamedTemplate(entry, path)).ToList();
                int chosen = named.FindIndex(t => t.Name == "default");
                return named.Count == 0 ? null : named[Math.Max(chosen, 0)].Template;
            default:
                throw new InvalidDataException($"{path}: \"chat_template\" must be a string, a list of {{\"name\", \"template\"}} objects, or null.");
        }
    }

    private static (string Name, string Template) NamedTemplate(JsonNode? entry, string path) =>
        entry is JsonObject named
        && named["name"] is JsonValue name && name.GetValueKind() == JsonValueKind.String
        && named["template"] is JsonValue template && template.GetValueKind() == JsonValueKind.String
            ? (name.GetValue<string>(), template.GetValue<string>())
            : throw new InvalidDataException($"{path}: \"chat_template\" list entries must be objects with string \"name\" and \"template\".");
}
