using System.CommandLine;
using Orleans.GvmRaft.Client;
using Orleans.GvmRaft.Embedded.Hosting;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Embedded.Train;

/// <summary>
/// <c>gvm-embedded train</c>: the embedded default main job. A silo, a rollout worker and the trainer in
/// this process train a tiny decoder on the arithmetic preset and write a run folder.
/// </summary>
public static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var defaults = new TrainSettings();
        var allocator = new Option<AllocatorKind>("--allocator") { Description = "Gvm or Uniform.", DefaultValueFactory = _ => defaults.Allocator };
        var seed = new Option<int>("--seed") { Description = "Seed of problems, model, sampling and batches.", DefaultValueFactory = _ => defaults.Seed };
        var iterations = new Option<int>("--iterations") { Description = "RL iterations.", DefaultValueFactory = _ => defaults.Iterations };
        var batch = new Option<int>("--batch-size") { Description = "B, prompts per iteration.", DefaultValueFactory = _ => defaults.BatchSize };
        var stage1 = new Option<int>("--stage1-samples") { Description = "n0, stage-1 samples per prompt.", DefaultValueFactory = _ => defaults.Stage1Samples };
        var budget = new Option<int>("--budget") { Description = "N, stage-2 samples per iteration.", DefaultValueFactory = _ => defaults.Budget };
        var evalEvery = new Option<int>("--eval-every") { Description = "Evaluate every K iterations.", DefaultValueFactory = _ => defaults.EvalEvery };
        var warmup = new Option<int>("--warmup-steps") { Description = "Supervised warm-up steps.", DefaultValueFactory = _ => defaults.WarmupSteps };
        var warmupExamples = new Option<int>("--warmup-examples") { Description = "Worked examples the warm-up trains on.", DefaultValueFactory = _ => defaults.WarmupExamples };
        var trainPrompts = new Option<int>("--train-prompts") { Description = "Size of the training pool.", DefaultValueFactory = _ => defaults.TrainPrompts };
        var learningRate = new Option<double>("--learning-rate") { Description = "AdamW learning rate of the RL updates.", DefaultValueFactory = _ => defaults.LearningRate };
        var promptMean = new Option<bool>("--prompt-mean-update") { Description = "Weight accepted responses so each prompt counts equally in the update." };
        var output = new Option<string>("--out") { Description = "Run folder.", DefaultValueFactory = _ => defaults.Output };
        var command = new Command("train", "Train the arithmetic preset with GVM-RAFT (or uniform RAFT++) on an embedded silo; writes metrics.jsonl, allocations.jsonl, accuracy.svg and checkpoint/.")
        {
            allocator, seed, iterations, batch, stage1, budget, evalEvery, warmup, warmupExamples, trainPrompts, learningRate, promptMean, output,
        };
        var stateOptions = new EmbeddedStateOptions();
        stateOptions.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var error = result.InvocationConfiguration.Error;
            var settings = defaults with
            {
                Allocator = result.GetValue(allocator),
                Seed = result.GetValue(seed),
                Iterations = result.GetValue(iterations),
                BatchSize = result.GetValue(batch),
                Stage1Samples = result.GetValue(stage1),
                Budget = result.GetValue(budget),
                EvalEvery = result.GetValue(evalEvery),
                WarmupSteps = result.GetValue(warmup),
                WarmupExamples = result.GetValue(warmupExamples),
                TrainPrompts = result.GetValue(trainPrompts),
                LearningRate = result.GetValue(learningRate),
                PromptMeanUpdate = result.GetValue(promptMean),
                Output = result.GetValue(output)!,
            };

            // A fresh run id: on kept state an earlier run may hold the plain one.
            settings = settings.WithFreshRunName(DateTimeOffset.UtcNow);
            try
            {
                settings.Validate();
                await using var cluster = await EmbeddedSilo.StartAsync(cancellationToken, worker: true, stateOptions.Read(result));
                var metrics = await ConsoleProgress.RunAsync(error, async progress =>
                {
                    var task = progress.AddTask($"warm-up ({settings.WarmupSteps} steps), then training ({settings.Allocator})", maxValue: settings.Iterations);
                    var run = new ArithmeticRun(cluster.Client, settings, line => error.WriteLine(line));
                    return await run.RunAsync(
                        m =>
                        {
                            task.Value = m.Iteration;
                            if (m.Iteration == 0)
                            {
                                task.Description = $"training ({settings.Allocator})";
                            }

                            if (m.EvalAccuracy is double a)
                            {
                                task.Description = $"training ({settings.Allocator}) eval {a:P0} after {m.Samples} rollouts";
                            }
                        },
                        cancellationToken);
                });
                var first = metrics[0];
                var last = metrics[^1];
                result.InvocationConfiguration.Output.WriteLine(
                    $"held-out accuracy {first.EvalAccuracy:P1} → {last.EvalAccuracy:P1} after {last.Samples} rollouts in {last.Seconds:F0} s; run folder {Path.GetFullPath(settings.Output)}");
                return 0;
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"gvm-embedded train: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
