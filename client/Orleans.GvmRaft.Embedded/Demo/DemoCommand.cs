using System.CommandLine;
using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Client.Input;
using Orleans.GvmRaft.Embedded.Hosting;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Runs;
using Spectre.Console;

namespace Orleans.GvmRaft.Embedded.Demo;

/// <summary>
/// <c>gvm-embedded demo</c>: the embedded default end to end without a model. It starts a silo in this
/// process, imports a prompt set and starts a run over it that the run grain drives, while a
/// synthetic policy outside the cluster serves its rollouts.
/// </summary>
public static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var prompts = new Option<string>("--prompts")
        {
            Description = "JSONL prompt set to import (default: the bundled arithmetic set).",
            DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "samples", "arithmetic.jsonl"),
        };
        var iterations = new Option<int>("--iterations") { Description = "Iterations to run.", DefaultValueFactory = _ => 3 };
        var budget = new Option<int?>("--budget") { Description = "N, stage-2 samples per iteration (default: 4 per prompt)." };
        var stage1 = new Option<int>("--stage1-samples") { Description = "n0, stage-1 samples per prompt.", DefaultValueFactory = _ => 8 };
        var allocator = new Option<AllocatorKind>("--allocator") { Description = "Gvm or Uniform.", DefaultValueFactory = _ => AllocatorKind.Gvm };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic rollouts.", DefaultValueFactory = _ => 1 };
        var command = new Command("demo", "Run the embedded default: an in-process silo, a prompt set, synthetic rollouts and the GVM allocation.")
        {
            prompts, iterations, budget, stage1, allocator, seed,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var error = result.InvocationConfiguration.Error;
            try
            {
                string path = result.GetValue(prompts)!;
                List<PromptDefinition> set;
                using (var reader = JsonLines.Open(path))
                {
                    set = PromptFile.Read(reader, path);
                }

                if (set.Count == 0)
                {
                    error.WriteLine($"gvm-embedded demo: {path} holds no prompts.");
                    return 2;
                }

                var config = new RunConfig(
                    Allocator: result.GetValue(allocator),
                    Budget: result.GetValue(budget) ?? (4 * set.Count),
                    BatchSize: set.Count,
                    Stage1Samples: result.GetValue(stage1),
                    Iterations: result.GetValue(iterations));
                config.Validate();
                var output = result.InvocationConfiguration.Output;
                var console = AnsiConsole.Create(new AnsiConsoleSettings
                {
                    Out = new AnsiConsoleOutput(output),
                    // Colour only on a terminal; a redirected run gets plain text to read or grep.
                    Ansi = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
                });
                await using var cluster = await EmbeddedSilo.StartAsync(cancellationToken);
                var run = new DemoRun(cluster.Client, console, new SyntheticPolicy(result.GetValue(seed)));
                await run.ExecuteAsync(set, config, cancellationToken);
                return 0;
            }
            catch (Exception e) when (e is InputFileException or ArgumentException or FileNotFoundException or IOException)
            {
                error.WriteLine($"gvm-embedded demo: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
