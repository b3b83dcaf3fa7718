using System.CommandLine;
using Orleans.GvmRaft.Embedded.Hosting;

namespace Orleans.GvmRaft.Embedded.Train;

/// <summary>
/// <c>gvm-embedded experiment</c>: the arithmetic preset trained by every allocator arm on the same
/// seeds, each seed's arms from the same warm-up, every run to the same total rollouts (stage 1
/// included), and a report: accuracy against rollouts and against iterations, rollouts to a target
/// accuracy and final accuracy per arm as means with 95 % bootstrap intervals over the seeds.
/// </summary>
public static class ExperimentCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var defaults = new TrainSettings();
        var arms = new Option<string?>("--arms") { Description = $"Comma-separated arms to run (default: every arm: {AllocatorArm.Names})." };
        var seeds = new Option<int[]>("--seeds") { Description = "Seeds; every arm runs on each.", DefaultValueFactory = _ => [1, 2, 3, 4, 5], AllowMultipleArgumentsPerToken = true };
        var rollouts = new Option<long>("--rollouts") { Description = "Rollouts per run, both stages; every arm stops at the first iteration that reaches them.", DefaultValueFactory = _ => defaults.TotalRollouts };
        var target = new Option<double>("--target") { Description = "Held-out accuracy whose cost in rollouts is compared.", DefaultValueFactory = _ => TrainSettings.ExperimentTarget };
        var trainPrompts = new Option<int>("--train-prompts") { Description = "Size of the training pool the epochs go over.", DefaultValueFactory = _ => defaults.TrainPrompts };
        var evalPrompts = new Option<int>("--eval-prompts") { Description = "Held-out problems per run.", DefaultValueFactory = _ => defaults.EvalPrompts };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with every run on stdout instead of the table." };
        var output = new Option<string>("--out") { Description = "Folder for the runs and the report.", DefaultValueFactory = _ => "runs/experiment" };
        var reportOnly = new Option<bool>("--report-only") { Description = "Train nothing: write the report again from the run folders already in --out." };
        var resume = new Option<bool>("--resume") { Description = "Keep the runs --out already holds to the end (runs repeat from their seeds) and train only the missing ones." };
        var command = new Command("experiment", "Train the arithmetic preset with every allocator arm on the same seeds and rollouts, and compare them with bootstrap intervals.")
        {
            arms, seeds, rollouts, target, trainPrompts, evalPrompts, json, output, reportOnly, resume,
        };
        var stateOptions = new EmbeddedStateOptions();
        stateOptions.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var error = result.InvocationConfiguration.Error;
            try
            {
                var chosen = result.GetValue(arms) is { } names
                    ? names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(AllocatorArm.Parse).DistinctBy(a => a.Name).ToList()
                    : [.. AllocatorArm.All];
                int[] seedList = [.. result.GetValue(seeds)!.Distinct()];
                double goal = result.GetValue(target);
                long budget = result.GetValue(rollouts);
                int heldOut = result.GetValue(evalPrompts);
                int pool = result.GetValue(trainPrompts);
                if (chosen.Count == 0 || seedList.Length == 0)
                {
                    throw new ArgumentException("--arms and --seeds need at least one value each.");
                }

                if (!(goal > 0 && goal <= 1) || budget < 1 || heldOut < 1 || pool < 1)
                {
                    throw new ArgumentException("--target must be in (0, 1], --rollouts, --train-prompts and --eval-prompts >= 1.");
                }

                string folder = Path.GetFullPath(result.GetValue(output)!);
                if (result.GetValue(reportOnly))
                {
                    var kept = ExperimentReport.Read(folder, goal);
                    ExperimentReport.Write(folder, goal, kept);
                    result.InvocationConfiguration.Output.Write(result.GetValue(json) ? ExperimentReport.ToJson(goal, kept) + Environment.NewLine : ExperimentReport.Table(goal, kept));
                    return 0;
                }

                await using var cluster = await EmbeddedSilo.StartAsync(cancellationToken, worker: true, stateOptions.Read(result));
                var runs = new List<ExperimentRun>();
                int total = chosen.Count * seedList.Length;

                // Seed-major: a seed's arms follow one another, so its warm-up is trained once and kept.
                foreach (int seed in seedList)
                {
                    foreach (var arm in chosen)
                    {
                        var settings = arm.Apply(defaults with { Seed = seed, EvalPrompts = heldOut, TrainPrompts = pool, Arm = arm.Name })
                            .WithRolloutBudget(budget)
                            .WithOutput(Path.Combine(folder, $"{arm.Name}-s{seed}"))
                            .WithFreshRunName(DateTimeOffset.UtcNow);

                        // The lineage arm starts from the statistics its gvm-history run left in this
                        // process, so that run is trained again (to the same result) when it follows.
                        bool feedsLineage = arm.Name == "gvm-history" && chosen.Any(a => a.Name == AllocatorArm.LineageArm)
                            && Finished(folder, $"{AllocatorArm.LineageArm}-s{seed}", budget, goal) is null;
                        if (result.GetValue(resume) && !feedsLineage && Finished(folder, $"{arm.Name}-s{seed}", budget, goal) is { } kept)
                        {
                            runs.Add(kept with { Arm = arm.Name, Seed = seed });
                            error.WriteLine($"experiment: {arm.Name}, seed {seed}: kept from {settings.Output}");
                            continue;
                        }

                        error.WriteLine($"experiment: run {runs.Count + 1} of {total}: {arm.Name}, seed {seed} ({arm.Description})");
                        var metrics = await new ArithmeticRun(cluster.Client, settings, line => error.WriteLine(line)).RunAsync(cancellationToken: cancellationToken);
                        var run = ExperimentRun.From(arm.Name, seed, metrics, goal);
                        runs.Add(run);
                        error.WriteLine($"experiment: {arm.Name}, seed {seed}: {run.StartAccuracy:P1} → {run.FinalAccuracy:P1} after {run.Rollouts} rollouts; target {(run.RolloutsToTarget is { } r ? $"reached after {r}" : "not reached")}");
                    }
                }

                ExperimentReport.Write(folder, goal, runs);
                result.InvocationConfiguration.Output.Write(result.GetValue(json) ? ExperimentReport.ToJson(goal, runs) + Environment.NewLine : ExperimentReport.Table(goal, runs));
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

    // A run folder whose metrics reach the rollout budget, as a finished run; null when there is none.
    private static ExperimentRun? Finished(string folder, string name, long rollouts, double target)
    {
        var lines = ExperimentReport.ReadMetrics(Path.Combine(folder, name));
        return lines is { Count: > 1 } && lines[^1].Samples >= rollouts ? ExperimentRun.From(name, 0, lines, target) : null;
    }
}
