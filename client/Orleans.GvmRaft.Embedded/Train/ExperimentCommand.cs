using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Orleans.GvmRaft.Client.Runs;
using Orleans.GvmRaft.Embedded.Hosting;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Embedded.Train;

/// <summary>
/// <c>gvm-embedded experiment</c>: the arithmetic preset trained with the GVM allocator and with the uniform
/// one, same budget per iteration and same seeds, and a comparison of the two: rollouts needed to
/// reach a target held-out accuracy, and accuracy at equal rollouts.
/// </summary>
public static class ExperimentCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var defaults = new TrainSettings();
        var seeds = new Option<int[]>("--seeds") { Description = "Seeds, each run with both allocators.", DefaultValueFactory = _ => [1, 2, 3], AllowMultipleArgumentsPerToken = true };
        var iterations = new Option<int>("--iterations") { Description = "RL iterations per run.", DefaultValueFactory = _ => defaults.Iterations };
        var target = new Option<double>("--target") { Description = "Held-out accuracy whose cost in rollouts is compared.", DefaultValueFactory = _ => 0.3 };
        var output = new Option<string>("--out") { Description = "Folder for the runs and the comparison.", DefaultValueFactory = _ => "runs/experiment" };
        var command = new Command("experiment", "Train the arithmetic preset with GVM and with uniform allocation over several seeds and compare them.")
        {
            seeds, iterations, target, output,
        };
        var stateOptions = new EmbeddedStateOptions();
        stateOptions.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var error = result.InvocationConfiguration.Error;
            string folder = Path.GetFullPath(result.GetValue(output)!);
            double goal = result.GetValue(target);
            int[] seedList = result.GetValue(seeds)!;
            try
            {
                if (seedList.Length == 0 || !(goal > 0 && goal <= 1))
                {
                    throw new ArgumentException("--seeds needs at least one seed and --target must be in (0, 1].");
                }

                await using var cluster = await EmbeddedSilo.StartAsync(cancellationToken, worker: true, stateOptions.Read(result));
                var curves = new List<(AllocatorKind Allocator, int Seed, IReadOnlyList<IterationMetrics> Metrics)>();
                foreach (int seed in seedList)
                {
                    foreach (var allocator in new[] { AllocatorKind.Gvm, AllocatorKind.Uniform })
                    {
                        var settings = (defaults with
                        {
                            Allocator = allocator,
                            Seed = seed,
                            Iterations = result.GetValue(iterations),
                            Output = Path.Combine(folder, $"{allocator.ToString().ToLowerInvariant()}-s{seed}"),
                        }).WithFreshRunName(DateTimeOffset.UtcNow);
                        error.WriteLine($"experiment: {allocator}, seed {seed}");
                        curves.Add((allocator, seed, await new ArithmeticRun(cluster.Client, settings, line => error.WriteLine(line)).RunAsync(cancellationToken: cancellationToken)));
                    }
                }

                var summaries = Summarise(curves, goal);
                File.WriteAllText(Path.Combine(folder, "comparison.json"), JsonSerializer.Serialize(summaries, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
                File.WriteAllText(Path.Combine(folder, "comparison.svg"), AccuracyPlot.Render(
                    $"held-out accuracy, mean of {seedList.Length} seeds",
                    [.. new[] { AllocatorKind.Gvm, AllocatorKind.Uniform }.Select(a => (a.ToString(), MeanCurve(curves.Where(c => c.Allocator == a).Select(c => c.Metrics).ToList())))]));
                var output = result.InvocationConfiguration.Output;
                output.WriteLine($"| allocator | seeds | accuracy before RL | final accuracy | rollouts to reach {goal:P0} (per seed) |");
                output.WriteLine("| --- | --- | ---: | ---: | --- |");
                foreach (var s in summaries)
                {
                    string reached = string.Join(", ", s.SamplesToTarget.Select(n => n?.ToString(CultureInfo.InvariantCulture) ?? "not reached"));
                    output.WriteLine(FormattableString.Invariant($"| {s.Allocator} | {string.Join(" ", s.Seeds)} | {s.InitialAccuracy:P1} | {s.FinalAccuracy:P1} | {reached} |"));
                }

                return 0;
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"gvm-embedded experiment: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    /// <summary>Per allocator: mean accuracy before and after, and the rollouts each seed needed to reach <paramref name="target"/>.</summary>
    public static List<ExperimentSummary> Summarise(IReadOnlyList<(AllocatorKind Allocator, int Seed, IReadOnlyList<IterationMetrics> Metrics)> curves, double target) =>
        [.. curves.GroupBy(c => c.Allocator).Select(g => new ExperimentSummary(
            g.Key.ToString(),
            [.. g.Select(c => c.Seed)],
            g.Average(c => c.Metrics[0].EvalAccuracy ?? 0),
            g.Average(c => c.Metrics[^1].EvalAccuracy ?? 0),
            [.. g.Select(c => c.Metrics.FirstOrDefault(m => m.EvalAccuracy >= target)?.Samples)]))];

    // Runs of one allocator evaluate at the same iterations and draw the same rollouts per
    // iteration, so their curves share x values and can be averaged point by point.
    private static List<(long Samples, double Accuracy)> MeanCurve(IReadOnlyList<IReadOnlyList<IterationMetrics>> runs) =>
        [.. runs[0].Where(m => m.EvalAccuracy is not null).Select(m => (m.Samples, runs.Average(r => r.First(x => x.Iteration == m.Iteration).EvalAccuracy ?? 0)))];
}
