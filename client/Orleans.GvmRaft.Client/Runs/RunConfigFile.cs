using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Orleans.GvmRaft.Runs;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orleans.GvmRaft.Client.Runs;

/// <summary>
/// A run configuration file for <c>gvm run start --config</c>: JSON, or YAML when the name ends in
/// <c>.yaml</c>/<c>.yml</c>. The fields are <see cref="RunConfig"/>'s in camelCase plus
/// <c>runId</c>; unknown fields and invalid values are refused with the setting named.
/// </summary>
public static class RunConfigFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    /// <summary>Reads and validates <paramref name="path"/>; <c>runId</c> may be missing (then empty) unless <paramref name="requireRunId"/>.</summary>
    /// <exception cref="ArgumentException">The file is malformed or a setting is invalid; the message names the file and the setting.</exception>
    public static (string RunId, RunConfig Config) Read(string path, bool requireRunId = true)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"{path}: no such run configuration file.");
        }

        string text = File.ReadAllText(path);
        bool yaml = path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
        return Parse(text, yaml, path, requireRunId);
    }

    /// <summary>Parses and validates a configuration; <paramref name="source"/> names it in messages.</summary>
    public static (string RunId, RunConfig Config) Parse(string text, bool yaml, string source, bool requireRunId = true)
    {
        JsonObject root;
        try
        {
            var node = yaml ? FromYaml(text) : JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            root = node as JsonObject ?? throw new ArgumentException($"{source}: a run configuration is an object of settings.");
        }
        catch (Exception e) when (e is JsonException or YamlException)
        {
            throw new ArgumentException($"{source}: not valid {(yaml ? "YAML" : "JSON")}: {e.Message}", e);
        }

        string? runId = null;
        if ((root["runId"] is not JsonValue idValue || !idValue.TryGetValue(out runId) || string.IsNullOrWhiteSpace(runId)) && (requireRunId || root["runId"] is not null))
        {
            throw new ArgumentException($"{source}: runId is missing: name the run (a string).");
        }

        if (!string.IsNullOrEmpty(runId) && RunIds.Problem(runId) is { } problem)
        {
            throw new ArgumentException($"{source}: runId '{runId}' {problem}: a run id is {RunIds.Rule}.");
        }

        root.Remove("runId");
        RunConfig config;
        try
        {
            config = root.Deserialize<RunConfig>(Json) ?? throw new ArgumentException($"{source}: empty configuration.");
        }
        catch (JsonException e)
        {
            string setting = e.Path is { Length: > 2 } p ? p[2..] : "(root)";
            throw new ArgumentException($"{source}: setting '{setting}': {FirstSentence(e.Message)}", e);
        }

        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{source}: {e.Message}", e);
        }

        return (runId ?? "", config);
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }

    private static JsonNode? FromYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    // Plain scalars are numbers, booleans or null when they read as one; quoted scalars stay strings.
    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", Convert(kv.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(Convert)]),
        YamlScalarNode scalar when scalar.Style is ScalarStyle.Plain => Plain(scalar.Value),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new YamlException($"unsupported YAML node {node.NodeType}."),
    };

    private static JsonNode? Plain(string? value) => value switch
    {
        null or "" or "~" or "null" => null,
        "true" or "True" => JsonValue.Create(true),
        "false" or "False" => JsonValue.Create(false),
        _ when long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) => JsonValue.Create(n),
        _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => JsonValue.Create(d),
        _ => JsonValue.Create(value),
    };
}
