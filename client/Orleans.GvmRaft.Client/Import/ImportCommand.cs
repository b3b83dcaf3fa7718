using System.CommandLine;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Client.Failures;
using Orleans.GvmRaft.Client.Input;
using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Client.Import;

/// <summary>
/// <c>gvm import FILE</c>: loads a JSONL prompt set into the cluster. The whole file is checked
/// first (its lines, then every id against what is stored), so a bad line or a conflicting
/// definition writes nothing; then the prompts are written in large batches.
/// </summary>
public static class ImportCommand
{
    // Conflicts listed by line before the rest is summarised.
    private const int ConflictsShown = 10;

    /// <summary>Builds the command.</summary>
    public static Command Create(ClusterOptionsBinder cluster)
    {
        var file = new Argument<string>("FILE") { Description = "JSONL prompt set: id (optional), problem or prompt, answer, verifier (optional: exact, math, gsm8k)." };
        var set = new Option<string?>("--set") { Description = "Also add the prompts to this prompt set, which runs draw their batches from." };
        var command = new Command("import", "Import a prompt set; a bad line or a conflicting prompt stops the import before anything is written, and an interrupted import can be run again.") { file, set };
        command.SetAction(async (result, cancellationToken) =>
        {
            string path = result.GetValue(file)!;
            string? setName = result.GetValue(set);
            var error = result.InvocationConfiguration.Error;
            int wrote = 0;
            try
            {
                var summary = await ConsoleProgress.RunAsync(error, async progress =>
                {
                    // The client connects while the file is read (each takes most of a second). A bad
                    // file is still the error reported, at once: the connecting is called off.
                    using var readFailed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var connecting = Task.Run(() => cluster.ConnectAsync(result, readFailed.Token), readFailed.Token);
                    List<PromptDefinition> prompts;
                    List<int> lines;
                    try
                    {
                        (prompts, lines) = ReadWithProgress(path, progress);
                    }
                    catch
                    {
                        await readFailed.CancelAsync();
                        await DisposeQuietlyAsync(connecting);
                        throw;
                    }

                    await using var connection = await connecting;
                    var tasks = new Dictionary<string, ProgressItem>();
                    void OnProgress(string phase, int done, int total)
                    {
                        if (!tasks.TryGetValue(phase, out var task))
                        {
                            task = tasks[phase] = progress.AddTask(phase, maxValue: Math.Max(1, total));
                        }

                        task.Value = done;
                        wrote = phase == "importing" ? done : wrote;
                    }

                    var importer = new PromptImporter(connection.Client);
                    var conflicts = await importer.FindConflictsAsync(prompts, OnProgress, cancellationToken);
                    if (conflicts.Count > 0)
                    {
                        throw Conflicts(path, prompts, lines, conflicts);
                    }

                    return await importer.WriteAsync(prompts, OnProgress, cancellationToken, setName);
                });
                result.InvocationConfiguration.Output.WriteLine(
                    $"imported {summary.Created + summary.Unchanged} prompts from {path}: {summary.Created} new, {summary.Unchanged} already present"
                    + (setName is { } name ? $"; prompt set '{name}' holds them." : "."));
                return 0;
            }
            catch (Exception e)
            {
                // One line: what went wrong, and what was written before it did.
                var failure = FailureContract.Classify(e, cancellationToken.IsCancellationRequested);
                string written = wrote == 0
                    ? "nothing was imported"
                    : $"the first {wrote:N0} prompts were written before it stopped; run the same import again to finish (stored prompts are left as they are)";
                return FailureContract.Report(error, "import", failure with { Message = $"{failure.Message.TrimEnd('.')}; {written}." });
            }
        });
        return command;
    }

    // The connection made alongside a file that turned out bad: closed, and whatever failed in it
    // ignored, since the file's error is the one to report.
    private static async Task DisposeQuietlyAsync(Task<ClusterConnection> connecting)
    {
        try
        {
            await (await connecting).DisposeAsync();
        }
        catch (Exception)
        {
        }
    }

    private static InputFileException Conflicts(string path, List<PromptDefinition> prompts, List<int> lines, List<string> conflicts)
    {
        var lineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < prompts.Count; i++)
        {
            lineOf[prompts[i].Id] = lines[i];
        }

        var ordered = conflicts.Select(id => (Line: lineOf[id], Id: id)).OrderBy(c => c.Line).ToList();
        var shown = ordered.Take(ConflictsShown).Select(c => $"line {c.Line} '{c.Id}'");
        string more = ordered.Count > ConflictsShown ? $", … and {ordered.Count - ConflictsShown} more" : "";
        return new InputFileException(
            path,
            ordered[0].Line,
            $"{ordered.Count} prompt(s) are already stored with a different text, answer or verifier (their statistics belong to those; give the new ones other ids): {string.Join(", ", shown)}{more}");
    }

    private static (List<PromptDefinition> Prompts, List<int> Lines) ReadWithProgress(string path, ProgressBoard progress)
    {
        long size = path != "-" && File.Exists(path) ? new FileInfo(path).Length : 0;
        var reading = progress.AddTask("reading", maxValue: Math.Max(1, size));
        using var reader = JsonLines.Open(path);
        var read = PromptFile.ReadWithLines(reader, path, characters => reading.Value = Math.Min(characters, reading.MaxValue));
        reading.Value = reading.MaxValue;
        return read;
    }
}
