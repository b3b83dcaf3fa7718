using System.Diagnostics;
using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Probe;
using Orleans.GvmRaft.Policy.Rollouts;
using Orleans.GvmRaft.Policy.Sampling;
using Orleans.GvmRaft.Policy.Tasks;
using Orleans.GvmRaft.Policy.Text;
using Orleans.GvmRaft.Policy.Training;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Client.Train;

/// <summary>
/// One GVM-RAFT (or uniform RAFT++) training run of the arithmetic preset against a cluster, with a
/// rollout worker and the trainer in this process. Each iteration: pick B prompts; stage 1 through
/// the rollout queue; the coordinator grain allocates N from the prompts' estimates; stage 2; a
/// RAFT++ update on every accepted response of both stages; a new policy version.
/// </summary>
public sealed class TrainingDriver(IGrainFactory grains, TrainSettings settings, Action<string>? log = null)
{
    private const int UpdateBatch = 64;
    private static readonly CharTokenizer Tokenizer = CharTokenizer.Arithmetic;

    /// <summary>Runs warm-up and every iteration; <paramref name="onIteration"/> hears each iteration's metrics.</summary>
    public async Task<IReadOnlyList<IterationMetrics>> RunAsync(Action<IterationMetrics>? onIteration = null, CancellationToken cancellationToken = default)
    {
        settings.Validate();
        string runId = $"arithmetic-{settings.Allocator.ToString().ToLowerInvariant()}-s{settings.Seed}";
        var train = ArithmeticTask.Generate(settings.TrainPrompts, settings.Seed, $"{runId}-train");
        var eval = ArithmeticTask.Generate(settings.EvalPrompts, settings.Seed + 7919, $"{runId}-eval");
        await new PromptImporter(grains).ImportAsync(
            [.. train.Select(p => new PromptDefinition(p.Id, p.Text, p.Answer, VerifierKinds.Exact))], cancellationToken: cancellationToken);

        manual_seed(settings.Seed);
        using var model = new Decoder(ModelConfig());
        await Task.Run(() => Warmup(model), cancellationToken);

        var coordinator = grains.GetGrain<ITrainingRunGrain>(runId);
        await coordinator.CreateAsync(new RunConfig(
            Allocator: settings.Allocator,
            Budget: settings.Budget,
            BatchSize: settings.BatchSize,
            Stage1Samples: settings.Stage1Samples,
            Iterations: settings.Iterations));
        var queue = grains.GetGrain<IRolloutQueueGrain>(runId);
        var sampling = new SamplingOptions(MaxNewTokens: 8, Temperature: 1.0);
        var worker = new LocalWorker(grains, new RolloutExecutor(model, Tokenizer, sampling, ProbeTarget.EmbedTokens), "local-worker");
        using var trainer = new PolicyTrainer(model, new TrainingOptions(LearningRate: settings.LearningRate, MaxGradNorm: 1.0));
        using var folder = new RunFolder(settings.Output);
        var random = new Random(settings.Seed);
        var metrics = new List<IterationMetrics>();
        var clock = Stopwatch.StartNew();

        var start = new IterationMetrics(0, 0, 0, await Task.Run(() => Accuracy(model, eval), cancellationToken), 0, 0, 0);
        folder.Record(start, []);
        metrics.Add(start);
        onIteration?.Invoke(start);
        long samples = 0;
        for (int iteration = 1; iteration <= settings.Iterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string[] batch = [.. train.OrderBy(_ => random.Next()).Take(settings.BatchSize).Select(p => p.Id)];
            ulong seed = (ulong)((settings.Seed * 1_000_003L) + (iteration * 7_919L));

            await queue.EnqueueAsync([.. batch.Select(id => Item(runId, id, iteration, RolloutStage.Estimate, settings.Stage1Samples))]);
            var stage1 = await worker.DrainAsync(queue, seed);
            var plan = await coordinator.AllocateAsync(iteration, batch);
            await queue.EnqueueAsync([.. batch.Select((id, i) => (id, n: plan.Samples[i])).Where(x => x.n > 0)
                .Select(x => Item(runId, x.id, iteration, RolloutStage.Sample, x.n))]);
            var stage2 = await worker.DrainAsync(queue, seed + 1_000_000);

            // Accepted stage-1 responses join the training batch: they cost the same to draw.
            var accepted = stage1.Accepted.Concat(stage2.Accepted).OrderBy(_ => random.Next()).ToList();
            double loss = await Task.Run(() => Update(trainer, Weigh(accepted, settings.PromptMeanUpdate)), cancellationToken);
            int attempts = stage1.Attempts + stage2.Attempts;
            samples += attempts;
            bool evaluate = iteration % settings.EvalEvery == 0 || iteration == settings.Iterations;
            double? accuracy = evaluate ? await Task.Run(() => Accuracy(model, eval), cancellationToken) : null;
            var row = new IterationMetrics(
                iteration,
                samples,
                attempts == 0 ? 0 : (double)(stage1.Acceptances + stage2.Acceptances) / attempts,
                accuracy,
                clock.Elapsed.TotalSeconds,
                plan.Samples.Count(n => n > 0),
                loss);
            folder.Record(row, plan.Samples);
            metrics.Add(row);
            onIteration?.Invoke(row);
        }

        folder.Finish($"arithmetic, {settings.Allocator}, seed {settings.Seed}", model);
        log?.Invoke($"run folder: {folder.Path}");
        return metrics;
    }

    /// <summary>The preset's decoder: 4 layers, width 128, a character vocabulary.</summary>
    public static DecoderConfig ModelConfig() => new()
    {
        VocabSize = Tokenizer.VocabSize,
        HiddenSize = 128,
        IntermediateSize = 344,
        Layers = 4,
        Heads = 4,
        KeyValueHeads = 4,
        HeadDim = 32,
        MaxPositions = 64,
        ModelType = "llama",
        EosTokenIds = [CharTokenizer.EndId],
    };

    private static RolloutWorkItem Item(string runId, string promptId, int iteration, RolloutStage stage, int count) =>
        new($"{runId}/{iteration}/{stage}/{promptId}", runId, promptId, iteration, stage, count, PolicyVersion: iteration - 1);

    private void Warmup(Decoder model)
    {
        // Difficulty-balanced worked examples, drawn apart from the training pool: enough for the
        // easy prompts, too little for the hard ones, so RL starts with acceptance rates spread out.
        var examples = ArithmeticTask.Generate(settings.WarmupExamples, settings.Seed + 104_729, "warmup")
            .Select(p => (p.Text, p.Answer)).ToList();
        double nll = SupervisedWarmup.Run(model, Tokenizer, examples, settings.WarmupSteps, UpdateBatch, new TrainingOptions(LearningRate: 3e-3), settings.Seed);
        log?.Invoke($"warm-up: {settings.WarmupSteps} steps on {examples.Count} worked examples, final NLL {nll:F3}");
    }

    // RAFT++'s objective is linear in the advantage, so a per-response weight rides on it. The
    // weights are scaled to average 1, keeping the step size comparable to the unweighted update.
    /// <summary>RAFT++ examples of <paramref name="accepted"/>, weighted per prompt when <paramref name="promptMean"/> is set.</summary>
    public static List<PolicyExample> Weigh(List<ScoredSequence> accepted, bool promptMean)
    {
        if (!promptMean || accepted.Count == 0)
        {
            return [.. accepted.Select(s => new PolicyExample(s, 1.0))];
        }

        var perPrompt = accepted.GroupBy(s => string.Join(',', s.Prompt)).ToDictionary(g => g.Key, g => g.Count());
        double scale = (double)accepted.Count / perPrompt.Count;
        return [.. accepted.Select(s => new PolicyExample(s, scale / perPrompt[string.Join(',', s.Prompt)]))];
    }

    private static double Update(PolicyTrainer trainer, List<PolicyExample> examples)
    {
        var losses = new List<double>();
        for (int start = 0; start < examples.Count; start += UpdateBatch)
        {
            losses.Add(trainer.Step(examples.Skip(start).Take(UpdateBatch).ToList()).Nll);
        }

        return losses.Count == 0 ? 0 : losses.Average();
    }

    private static double Accuracy(Decoder model, List<ArithmeticProblem> problems) =>
        GreedyEvaluation.Accuracy(model, Tokenizer, [.. problems.Select(p => (p.Text, p.Answer))]);
}
