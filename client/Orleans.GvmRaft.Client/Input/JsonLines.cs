using System.Text.Json;

namespace Orleans.GvmRaft.Client.Input;

/// <summary>Reads JSONL: one JSON object per line, blank lines skipped, every error located by line.</summary>
public static class JsonLines
{
    /// <summary>Opens <paramref name="path"/>, or standard input for <c>-</c>.</summary>
    public static TextReader Open(string path)
    {
        if (path == "-")
        {
            return Console.In;
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file.", path);
        }

        return new StreamReader(path, new FileStreamOptions { BufferSize = 1 << 16 });
    }

    /// <summary>
    /// Calls <paramref name="onObject"/> with each non-blank line parsed as a JSON object and its line
    /// number; <paramref name="onBytes"/> hears how many characters have been read, for progress.
    /// </summary>
    public static void ForEachObject(TextReader reader, string path, Action<JsonElement, int> onObject, Action<long>? onBytes = null)
    {
        int lineNumber = 0;
        long characters = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            characters += line.Length + 1;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                throw new InputFileException(path, lineNumber, $"not valid JSON ({e.Message.Split(" Path:")[0].TrimEnd('.')}).");
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new InputFileException(path, lineNumber, $"expected a JSON object, found {Describe(document.RootElement)}.");
                }

                onObject(document.RootElement, lineNumber);
            }

            if ((lineNumber & 0xFFF) == 0)
            {
                onBytes?.Invoke(characters);
            }
        }

        onBytes?.Invoke(characters);
    }

    /// <summary>Names a JSON value's kind for an error message.</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
