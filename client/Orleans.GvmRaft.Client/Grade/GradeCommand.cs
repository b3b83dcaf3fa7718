using System.CommandLine;
using System.Text.Json;
using Orleans.GvmRaft.Client.Input;
using Orleans.GvmRaft.Policy.Verifiers;

namespace Orleans.GvmRaft.Client.Grade;

/// <summary><c>gvm grade</c>: scores responses against answers with a verifier.</summary>
public static class GradeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var verifier = new Option<string>("--verifier") { Description = "math, exact or gsm8k.", Required = true };
        verifier.AcceptOnlyFromAmong("math", "exact", "gsm8k");
        var input = new Option<string>("--input")
        {
            Description = "JSONL, one {\"response\": string, \"answer\": string} per line ('-' for standard input).",
            Required = true,
        };
        var command = new Command("grade", "Score each response against its answer; prints {\"score\": 0 or 1} per line.") { verifier, input };
        command.SetAction(result =>
        {
            string path = result.GetValue(input)!;
            try
            {
                var check = Verifier.For(result.GetValue(verifier)!);
                var scores = new List<int>();
                using (var reader = JsonLines.Open(path))
                {
                    JsonLines.ForEachObject(reader, path, (obj, line) =>
                        scores.Add(check.Score(Text(obj, "response", path, line), Text(obj, "answer", path, line))));
                }

                var output = result.InvocationConfiguration.Output;
                foreach (int score in scores)
                {
                    output.WriteLine(score == 1 ? "{\"score\":1}" : "{\"score\":0}");
                }

                return 0;
            }
            catch (Exception e) when (e is InputFileException or FileNotFoundException or IOException or ArgumentException)
            {
                result.InvocationConfiguration.Error.WriteLine($"gvm grade: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    // Answers may be bare JSON numbers; responses must be text.
    private static string Text(JsonElement obj, string name, string path, int line)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            throw new InputFileException(path, line, $"\"{name}\" is missing.");
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number when name == "answer" => value.GetRawText(),
            _ => throw new InputFileException(path, line, $"\"{name}\" must be a string, found {JsonLines.Describe(value)}."),
        };
    }
}
