using System.CommandLine;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Client.Failures;

namespace Orleans.GvmRaft.Client.Prompts.Export;

/// <summary><c>gvm prompts export --set S --format parquet|jsonl --out FILE</c>.</summary>
public static class ExportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(ClusterOptionsBinder cluster)
    {
        var set = new Option<string>("--set") { Description = "The prompt set to export.", Required = true };
        var format = new Option<ExportFormat>("--format") { Description = "parquet or jsonl.", DefaultValueFactory = _ => ExportFormat.Parquet };
        var output = new Option<string>("--out") { Description = "The file to write (replaced only once the export is complete).", Required = true };
        var command = new Command("export", "Every prompt of a set with its statistics, as Parquet or JSONL, for pandas, DuckDB or SQL.") { set, format, output };
        command.SetAction(async (result, cancellationToken) =>
        {
            var error = result.InvocationConfiguration.Error;
            string path = Path.GetFullPath(result.GetValue(output)!);
            string partial = path + ".partial";
            try
            {
                long rows = await ConsoleProgress.RunAsync(error, async progress =>
                {
                    await using var connection = await cluster.ConnectAsync(result, cancellationToken);
                    var task = progress.AddTask("exporting", maxValue: 1);
                    long written;
                    await using (var stream = File.Create(partial))
                    {
                        await using var writer = result.GetValue(format) == ExportFormat.Parquet
                            ? await ParquetPromptWriter.CreateAsync(stream, cancellationToken)
                            : (IPromptExportWriter)new JsonlPromptWriter(stream);
                        written = await new PromptExporter(connection.Client).ExportAsync(
                            result.GetValue(set)!,
                            writer,
                            (done, total) =>
                            {
                                task.MaxValue = Math.Max(1, total);
                                task.Value = done;
                            },
                            cancellationToken);
                    }

                    File.Move(partial, path, overwrite: true);
                    return written;
                });
                result.InvocationConfiguration.Output.WriteLine($"exported {rows:N0} prompts of set '{result.GetValue(set)}' to {path}");
                return 0;
            }
            catch (Exception e)
            {
                return FailureContract.Report(error, "prompts export", FailureContract.Classify(e, cancellationToken.IsCancellationRequested));
            }
            finally
            {
                // Nothing half-written stays behind: the file appears whole or not at all.
                File.Delete(partial);
            }
        });
        return command;
    }
}
