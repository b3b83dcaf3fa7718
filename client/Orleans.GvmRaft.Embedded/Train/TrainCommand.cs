using System.CommandLine;
using Orleans.GvmRaft.Client;
using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Client.Input;
using Orleans.GvmRaft.Client.Runs;
using Orleans.GvmRaft.Embedded.Hosting;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Embedded.Train;

/// <summary>
/// <c>gvm-embedded train</c>: the embedded default main job. A silo, a rollout worker and the trainer
/// in this process train a policy and write a run folder: the arithmetic preset on a tiny decoder,
/// or, with <c>--model DIR --prompts FILE</c>, a Hugging Face checkpoint on a prompt file.
/// </summary>
public static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var defaults = new TrainSettings();
        var allocator = new Option<string>("--allocator") { Description = $"How the rollout budget is spent: {AllocatorArm.Names} (README: Allocators).", DefaultValueFactory = _ => AllocatorArm.MainJob };
        var seed = new Option<int>("--seed") { Description = "Seed of problems, model, sampling and batches.", DefaultValueFactory = _ => defaults.Seed };
        var iterations = new Option<int>("--iterations") { Description = "RL iterations.", DefaultValueFactory = _ => defaults.Iterations };
        var batch = new Option<int>("--batch-size") { Description = "B, prompts per iteration.", DefaultValueFactory = _ => defaults.BatchSize };
        var stage1 = new Option<int>("--stage1-samples") { Description = "n0, stage-1 samples per prompt.", DefaultValueFactory = _ => defaults.Stage1Samples };
        var budget = new Option<int>("--budget") { Description = "N, stage-2 samples per iteration.", DefaultValueFactory = _ => defaults.Budget };
        var evalEvery = new Option<int>("--eval-every") { Description = "Evaluate every K iterations.", DefaultValueFactory = _ => defaults.EvalEvery };
        var warmup = new Option<int>("--warmup-steps") { Description = "Supervised warm-up steps (arithmetic).", DefaultValueFactory = _ => defaults.WarmupSteps };
        var warmupExamples = new Option<int>("--warmup-examples") { Description = "Worked examples the warm-up trains on (arithmetic).", DefaultValueFactory = _ => defaults.WarmupExamples };
        var trainPrompts = new Option<int>("--train-prompts") { Description = "Size of the training pool (arithmetic).", DefaultValueFactory = _ => defaults.TrainPrompts };
        var learningRate = new Option<double>("--learning-rate") { Description = "AdamW learning rate of the RL updates.", DefaultValueFactory = _ => defaults.LearningRate };
        var promptMean = new Option<bool>("--prompt-mean-update") { Description = "Weight accepted responses so each prompt counts equally in the update." };
        var output = new Option<string>("--out") { Description = "Run folder.", DefaultValueFactory = _ => defaults.Output };
        var model = new Option<string?>("--model") { Description = "Train this Hugging Face model directory (config.json, *.safetensors, tokenizer.json, tokenizer_config.json) instead of the arithmetic preset; needs --prompts." };
        var prompts = new Option<string?>("--prompts") { Description = "With --model: the prompt file (JSONL, as gvm import reads it) RL trains on." };
        var eval = new Option<string?>("--eval") { Description = "With --model: held-out prompts (JSONL); default a seeded tenth of --prompts, at most 240." };
        var resume = new Option<string?>("--resume") { Description = "Go on with the run of this run folder, whose process died or was interrupted (its run.json names the run and the SQLite state file); the other run options are ignored." };
        var config = new Option<string?>("--config") { Description = "With --model: a run configuration file (JSON or YAML, as gvm run start reads it; runId optional) for the policy's prompt format, sampling and update; flags given explicitly override it." };
        var command = new Command("train", "Train a policy with GVM-RAFT (or uniform RAFT++) on an embedded silo: the arithmetic preset, or --model DIR --prompts FILE; writes metrics.jsonl, allocations.jsonl, accuracy.svg and checkpoint/.")
        {
            allocator, seed, iterations, batch, stage1, budget, evalEvery, warmup, warmupExamples, trainPrompts, learningRate, promptMean, output, model, prompts, eval, config, resume,
        };
        var stateOptions = new EmbeddedStateOptions();
        stateOptions.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var error = result.InvocationConfiguration.Error;
            string? resumable = null;
            try
            {
                if (result.GetValue(resume) is { } folder)
                {
                    resumable = Path.GetFullPath(folder);
                    var saved = TrainResumeFile.Read(resumable);
                    await using var embedded = await EmbeddedSilo.StartAsync(cancellationToken, worker: true, new EmbeddedState(Silo.Backends.StorageKind.Sqlite, saved.StateDb));
                    var resumedConfig = await ResumableRun.PrepareAsync(embedded.Client, saved, line => error.WriteLine(line));
                    var resumed = await WithProgressAsync(error, "resumed", resumedConfig.Iterations, saved.Arm, (onIteration, onJob) =>
                        new RunWatcher(embedded.Client, saved.RunId, resumable, line => error.WriteLine(line), onJob).WatchAsync(onIteration, cancellationToken));
                    Summarize(result, resumed, resumable);
                    return 0;
                }

                if (result.GetValue(model) is { } modelDir)
                {
                    var run = ModelRunFrom(result, modelDir, result.GetValue(prompts), result.GetValue(eval), result.GetValue(config));
                    var modelState = stateOptions.Read(result);
                    resumable = Resumable(modelState, run.Output, new TrainResumeFile(run.RunId, modelState.SqlitePath, run.Config.Allocator.ToString().ToLowerInvariant()));
                    await using var cluster = await EmbeddedSilo.StartAsync(cancellationToken, worker: true, modelState);
                    var metrics = await WithProgressAsync(error, $"model {Path.GetFileName(Path.GetFullPath(modelDir))}", run.Config.Iterations, run.Config.Allocator.ToString().ToLowerInvariant(), (onIteration, onJob) =>
                        run.RunAsync(cluster.Client, onIteration, line => error.WriteLine(line), cancellationToken, onJob));
                    Summarize(result, metrics, run.Output);
                    return 0;
                }

                if (result.GetValue(prompts) is not null || result.GetValue(eval) is not null || result.GetValue(config) is not null)
                {
                    throw new ArgumentException("train: --prompts, --eval and --config go with --model.");
                }

                var settings = defaults with
                {
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
                var arm = AllocatorArm.Parse(result.GetValue(allocator)!);
                settings = arm.ApplyKeeping(
                    settings with { Arm = arm.Name },
                    Given(result, iterations),
                    Given(result, batch),
                    Given(result, budget),
                    Given(result, evalEvery));
                error.WriteLine($"{arm.Name}: B {settings.BatchSize}, n0 {settings.Stage1Samples}, N {settings.Budget}, {settings.Iterations} iterations, evaluated every {settings.EvalEvery}");

                // A fresh run id: on kept state an earlier run may hold the plain one.
                settings = settings.WithFreshRunName(DateTimeOffset.UtcNow);
                settings.Validate();
                var state = stateOptions.Read(result);
                resumable = Resumable(state, settings.Output, new TrainResumeFile(settings.RunId, state.SqlitePath, settings.ArmName));
                await using (var cluster = await EmbeddedSilo.StartAsync(cancellationToken, worker: true, state))
                {
                    var metrics = await WithProgressAsync(error, $"warm-up ({settings.WarmupSteps} steps), then", settings.Iterations, settings.ArmName, (onIteration, onJob) =>
                        new ArithmeticRun(cluster.Client, settings, line => error.WriteLine(line), onJob).RunAsync(onIteration, cancellationToken));
                    Summarize(result, metrics, settings.Output);
                }

                return 0;
            }
            catch (Exception e) when (e is ArgumentException or InputFileException or PromptConflictException or InvalidOperationException)
            {
                error.WriteLine($"gvm-embedded train: {e.Message}");
                return 2;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                error.WriteLine(resumable is null
                    ? "gvm-embedded train: interrupted."
                    : $"gvm-embedded train: interrupted; go on with gvm-embedded train --resume {resumable}");
                return 130;
            }
        });
        return command;

        // Whether the user gave the option (a default must not override the --config file).
        bool Explicit(ParseResult result, Option option) => result.GetResult(option) is { Implicit: false };

        // The value the user gave, or null for the default.
        int? Given(ParseResult result, Option<int> option) => Explicit(result, option) ? result.GetValue(option) : null;

        ModelRun ModelRunFrom(ParseResult result, string modelDir, string? promptFile, string? evalFile, string? configFile)
        {
            if (promptFile is null)
            {
                throw new ArgumentException("train: --model needs --prompts FILE.jsonl.");
            }

            (string RunId, RunConfig Config)? fromFile = configFile is null ? null : RunConfigFile.Read(configFile, requireRunId: false);
            var baseConfig = fromFile?.Config ?? new RunConfig(BatchSize: defaults.BatchSize, Budget: defaults.Budget, Iterations: defaults.Iterations, EvalEvery: defaults.EvalEvery);
            var policy = (baseConfig.Policy ?? new PolicySettings(WarmupSteps: 0, MaxNewTokens: 256)) with
            {
                Preset = PolicySettings.ModelPreset,
                Model = Path.GetFullPath(modelDir),
            };
            int runSeed = Explicit(result, seed) ? result.GetValue(seed) : policy.Seed;
            string runId = string.IsNullOrEmpty(fromFile?.RunId)
                ? $"{Path.GetFileName(Path.GetFullPath(modelDir).TrimEnd(Path.DirectorySeparatorChar))}-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}"
                : fromFile.Value.RunId;
            var all = ReadPrompts(promptFile);
            var (train, held) = ModelRun.Split(all, evalFile is null ? null : ReadPrompts(evalFile), runSeed, maxHeldOut: 240);
            var runConfig = baseConfig with
            {
                Allocator = Explicit(result, allocator) ? ModelAllocator(result.GetValue(allocator)!) : baseConfig.Allocator,
                Iterations = Explicit(result, iterations) ? result.GetValue(iterations) : baseConfig.Iterations,
                BatchSize = Math.Min(train.Count, Explicit(result, batch) ? result.GetValue(batch) : baseConfig.BatchSize),
                Stage1Samples = Explicit(result, stage1) ? result.GetValue(stage1) : baseConfig.Stage1Samples,
                Budget = Explicit(result, budget) ? result.GetValue(budget) : baseConfig.Budget,
                EvalEvery = Explicit(result, evalEvery) ? result.GetValue(evalEvery) : baseConfig.EvalEvery,
                PromptSet = ModelRun.TrainSet(runId),
                Policy = policy with
                {
                    Seed = runSeed,
                    LearningRate = Explicit(result, learningRate) ? result.GetValue(learningRate) : policy.LearningRate,
                    PromptMeanUpdate = Explicit(result, promptMean) ? result.GetValue(promptMean) : policy.PromptMeanUpdate,
                    EvalSet = held.Count > 0 ? ModelRun.EvalSet(runId) : null,
                },
            };
            runConfig.Validate();
            return new ModelRun(runId, runConfig, train, held, result.GetValue(output) is { } o && Explicit(result, output) ? o : Path.Combine("runs", runId));
        }
    }

    // A model run takes its batch, budget and reuse from --config; of the arms, the allocator kinds apply.
    // On SQLite state a run folder names its run and state file, so a run whose process dies can
    // go on (--resume); the folder to resume, or null where the state dies with the process.
    private static string? Resumable(EmbeddedState state, string output, TrainResumeFile file)
    {
        if (state.Storage != Silo.Backends.StorageKind.Sqlite)
        {
            return null;
        }

        string folder = Path.GetFullPath(output);
        (file with { StateDb = Path.GetFullPath(state.SqlitePath) }).Write(folder);
        return folder;
    }

    private static AllocatorKind ModelAllocator(string name) =>
        Enum.TryParse<AllocatorKind>(name, ignoreCase: true, out var kind) && Enum.IsDefined(kind)
            ? kind
            : throw new ArgumentException($"train: --allocator {name} with --model: use one of {string.Join(", ", Enum.GetNames<AllocatorKind>().Select(n => n.ToLowerInvariant()))}, and set batchSize, budget and stage1Reuse in --config.");

    private static List<PromptDefinition> ReadPrompts(string path)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"train: no prompt file {path}.");
        }

        using var reader = new StreamReader(path);
        return PromptFile.Read(reader, path);
    }

    private static Task<IReadOnlyList<IterationMetrics>> WithProgressAsync(
        TextWriter error, string what, int iterations, string allocator, Func<Action<IterationMetrics>, Action<Workers.TrainerJob>, Task<IReadOnlyList<IterationMetrics>>> run) =>
        ConsoleProgress.RunAsync(error, async progress =>
        {
            var task = progress.AddTask($"{what} training ({allocator})", maxValue: iterations);
            return await run(
                m =>
            {
                task.Value = m.Iteration;
                task.Description = m.EvalAccuracy is double a
                    ? $"training ({allocator}) eval {a:P0} after {m.Samples} rollouts"
                    : $"training ({allocator}) after {m.Samples} rollouts";
            },
                job =>
                {
                    // The warm-up's steps show in the bar while they run; set again, the value makes
                    // a plain line carry the new description away from a terminal.
                    if (job.Kind == Workers.TrainerJob.WarmUp)
                    {
                        task.Description = FormattableString.Invariant($"warm-up step {job.Step}/{job.Steps}{(job.Loss is double l ? $", loss {l:F3}" : "")}, then training ({allocator})");
                        task.Value = task.Value;
                    }
                });
        });

    private static void Summarize(ParseResult result, IReadOnlyList<IterationMetrics> metrics, string output)
    {
        var first = metrics[0];
        var last = metrics[^1];
        result.InvocationConfiguration.Output.WriteLine(
            $"held-out accuracy {first.EvalAccuracy:P1} → {last.EvalAccuracy:P1} after {last.Samples} rollouts in {last.Seconds:F0} s; run folder {Path.GetFullPath(output)}");
    }
}
