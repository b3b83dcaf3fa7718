using System.CommandLine;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Client.Input;
using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Client.Import;

/// <summary><c>gvm import FILE</c>: loads a JSONL prompt set into the cluster, all or nothing.</summary>
public static class ImportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(ClusterOptionsBinder cluster)
    {
        var file = new Argument<string>("FILE") { Description = "JSONL prompt set: id (optional), problem or prompt, answer, verifier (optional: exact, math, gsm8k)." };
        var set = new Option<string?>("--set") { Description = "Also add the prompts to this prompt set, which runs draw their batches from." };
        var command = new Command("import", "Import a prompt set; a bad line stops the import before anything is written.") { file, set };
        command.SetAction(async (result, cancellationToken) =>
        {
            string path = result.GetValue(file)!;
            var error = result.InvocationConfiguration.Error;
            try
            {
                var summary = await ConsoleProgress.RunAsync(error, async progress =>
                {
                    var prompts = ReadWithProgress(path, progress);
                    await using var connection = await cluster.ConnectAsync(result, cancellationToken);
                    var tasks = new Dictionary<string, Spectre.Console.ProgressTask>();
                    return await new PromptImporter(connection.Client).ImportAsync(
                        prompts,
                        (phase, done, total) =>
                        {
                            if (!tasks.TryGetValue(phase, out var task))
                            {
                                task = tasks[phase] = progress.AddTask(phase, maxValue: Math.Max(1, total));
                            }

                            task.Value = done;
                        },
                        cancellationToken,
                        result.GetValue(set));
                });
                result.InvocationConfiguration.Output.WriteLine(
                    $"imported {summary.Created + summary.Unchanged} prompts from {path}: {summary.Created} new, {summary.Unchanged} already present"
                    + (result.GetValue(set) is { } name ? $"; prompt set '{name}' holds them." : "."));
                return 0;
            }
            catch (Exception e) when (e is InputFileException or FileNotFoundException or IOException or PromptConflictException or ClusterUnavailableException or ArgumentException)
            {
                error.WriteLine($"gvm import: {e.Message}");
                error.WriteLine("gvm import: nothing was imported.");
                return e is ClusterUnavailableException ? 3 : 2;
            }
        });
        return command;
    }

    private static List<PromptDefinition> ReadWithProgress(string path, Spectre.Console.ProgressContext progress)
    {
        long size = path != "-" && File.Exists(path) ? new FileInfo(path).Length : 0;
        var reading = progress.AddTask("reading", maxValue: Math.Max(1, size));
        using var reader = JsonLines.Open(path);
        var prompts = PromptFile.Read(reader, path, characters => reading.Value = Math.Min(characters, reading.MaxValue));
        reading.Value = reading.MaxValue;
        return prompts;
    }
}
