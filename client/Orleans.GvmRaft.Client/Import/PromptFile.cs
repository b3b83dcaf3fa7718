using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Orleans.GvmRaft.Client.Input;
using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Client.Import;

/// <summary>
/// A prompt set in JSONL: <c>id</c> (optional), <c>problem</c> or <c>prompt</c>, <c>answer</c>, and
/// <c>verifier</c> (optional, default math). Read whole and validated before anything is imported.
/// </summary>
public static class PromptFile
{
    /// <summary>Reads every prompt; the first bad line throws <see cref="InputFileException"/>.</summary>
    public static List<PromptDefinition> Read(TextReader reader, string path, Action<long>? onCharacters = null) =>
        ReadWithLines(reader, path, onCharacters).Prompts;

    /// <summary><see cref="Read"/>, with the line each prompt came from (for errors found later, by line).</summary>
    public static (List<PromptDefinition> Prompts, List<int> Lines) ReadWithLines(TextReader reader, string path, Action<long>? onCharacters = null)
    {
        var prompts = new List<PromptDefinition>();
        var lines = new List<int>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        JsonLines.ForEachObject(
            reader,
            path,
            (obj, line) =>
            {
                var prompt = Parse(obj, path, line);
                if (!firstLine.TryAdd(prompt.Id, line))
                {
                    throw new InputFileException(path, line, $"duplicate prompt id '{prompt.Id}' (first on line {firstLine[prompt.Id]}).");
                }

                prompts.Add(prompt);
                lines.Add(line);
            },
            onCharacters);
        return (prompts, lines);
    }

    /// <summary>
    /// The id of a prompt whose line gives none: a hash of its problem text, so re-importing the same
    /// file finds the same prompts and their statistics.
    /// </summary>
    public static string ContentId(string problem)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(problem), hash);
        return "p-" + Convert.ToHexStringLower(hash[..8]);
    }

    private static PromptDefinition Parse(JsonElement obj, string path, int line)
    {
        string? problem = OptionalString(obj, "problem", path, line);
        string? prompt = OptionalString(obj, "prompt", path, line);
        if (problem is not null && prompt is not null && problem != prompt)
        {
            throw new InputFileException(path, line, "both \"problem\" and \"prompt\" are given and differ; give one.");
        }

        string text = problem ?? prompt ?? throw new InputFileException(path, line, "\"problem\" (or \"prompt\") is missing.");
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InputFileException(path, line, "the problem text is empty.");
        }

        string answer = Answer(obj, path, line);
        string verifier = OptionalString(obj, "verifier", path, line) ?? VerifierKinds.Default;
        if (!VerifierKinds.IsKnown(verifier))
        {
            throw new InputFileException(path, line, $"unknown verifier '{verifier}' (expected one of {string.Join(", ", VerifierKinds.All)}).");
        }

        string id = OptionalString(obj, "id", path, line) ?? ContentId(text);
        var definition = new PromptDefinition(id, text, answer, verifier);
        try
        {
            definition.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InputFileException(path, line, e.Message);
        }

        return definition;
    }

    // Answers are compared as text; a bare JSON number (GSM8K files have them) keeps its literal spelling.
    private static string Answer(JsonElement obj, string path, int line)
    {
        if (!obj.TryGetProperty("answer", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new InputFileException(path, line, "\"answer\" is missing.");
        }

        string answer = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new InputFileException(path, line, $"\"answer\" must be a string or a number, found {JsonLines.Describe(value)}."),
        };
        return string.IsNullOrWhiteSpace(answer) ? throw new InputFileException(path, line, "\"answer\" is empty.") : answer;
    }

    private static string? OptionalString(JsonElement obj, string name, string path, int line)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new InputFileException(path, line, $"\"{name}\" must be a string, found {JsonLines.Describe(value)}.");
    }
}
