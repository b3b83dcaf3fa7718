using System.Diagnostics;
using Orleans.GvmRaft.Allocation;
using Orleans.GvmRaft.Embedded.Train;
using Orleans.GvmRaft.Policy.Probe;
using Orleans.GvmRaft.Policy.Rollouts;
using Orleans.GvmRaft.Policy.Tasks;
using Orleans.GvmRaft.Policy.Training;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.PromptSets;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Worker.Policies;
using Orleans.GvmRaft.Worker.Presets;
using Orleans.GvmRaft.Worker.Rollouts;
using Orleans.GvmRaft.Worker.Training;

namespace Orleans.GvmRaft.Embedded.Bench;

/// <summary>
/// The main job's iterations as a plain in-process loop: the same compute classes the rollout
/// worker and the trainer call (sampler, verifier, probe, allocator, update, evaluation), with the
/// same settings, batch draws and update seeds, on-policy, and nothing else: no grain, message,
/// storage or checkpoint. One model serves sampling and training, as the workers' float32 copy
/// would. Sampling is seeded per stage where the workers seed each claim, so the two draw
/// different responses of the same distribution. What the system spends beyond this loop is its
/// overhead.
/// </summary>
public sealed class BareLoop(TrainSettings settings, WarmupCache warmups, Action<string>? log = null)
{
    private readonly SortedDictionary<string, double> _compute = new(StringComparer.Ordinal);

    /// <summary>
    /// Seconds of model work per part over the iterations run, named as the system's
    /// <c>gvm.compute.duration</c> names them: generate (both stages), train, evaluate.
    /// </summary>
    public IReadOnlyDictionary<string, double> Compute => _compute;

    /// <summary>Runs the settings' iterations after the warm-up (untimed); returns each iteration's times.</summary>
    public IReadOnlyList<IterationTimes> Run(CancellationToken cancellationToken = default)
    {
        var config = settings.ToRunConfig();
        var policySettings = config.PolicyOrDefault;
        var data = PolicyTasks.Arithmetic(policySettings);
        var prompts = ArithmeticPreset.Problems(settings.TrainPrompts, settings.Seed, settings.PromptSet);
        string scratch = Path.Combine(Path.GetTempPath(), $"gvm-bare-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            using var policy = LoadedPolicy.Open(VersionWriter.Source(policySettings, scratch), policySettings, training: true);
            if (TrainerCompute.WarmUp(policy, policySettings, data, warmups) is (var nll, var kept))
            {
                log?.Invoke($"bare loop: warm-up NLL {nll:F3}{(kept ? " (kept from an earlier run)" : "")}");
            }

            using var trainer = new PolicyTrainer(policy.Model, TrainerCompute.Options(policySettings));
            var executor = new RolloutExecutor(policy.Model, policy.Tokenizer, policy.Sampling, ProbeTarget.EmbedTokens, new WorkerOptions().SampleBatch);

            // Untimed: the process's first generation, probe and evaluation (JIT, first kernels),
            // which the system's iterations meet already warm. Nothing here changes the weights.
            executor.Execute([Request(policy, prompts[0], 4, measure: true, 0, RolloutStage.Estimate)], 0);
            TrainerCompute.Evaluate(policy, data with { Eval = [.. data.Eval.Take(8)] });
            var times = new List<IterationTimes>();
            long rollouts = 0;
            for (int iteration = 1; !config.IsComplete(iteration - 1, rollouts); iteration++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var step = Iteration(config, prompts, data, policy, executor, trainer, iteration, rollouts);
                rollouts += step.Rollouts;
                times.Add(step);
                log?.Invoke(FormattableString.Invariant($"bare loop: iteration {iteration} in {step.Total:F1} s"));
            }

            return times;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private IterationTimes Iteration(
        RunConfig config, List<ArithmeticProblem> prompts, PolicyTaskData data, LoadedPolicy policy, RolloutExecutor executor, PolicyTrainer trainer, int iteration, long rolloutsBefore)
    {
        var policySettings = config.PolicyOrDefault;
        var total = Stopwatch.StartNew();

        // The batch: the prompt set's seeded draw (an epoch's next B, or an independent one), as the run grain asks for it.
        long seed = (policySettings.Seed * 1_000_003L) + iteration;
        long[] picks = config.BatchOrder == BatchOrder.Epochs
            ? EpochOrder.Batch(prompts.Count, Math.Min(config.BatchSize, prompts.Count), (ulong)policySettings.Seed, iteration)
            : PromptSetGrain.SampleIndices(prompts.Count, Math.Min(config.BatchSize, prompts.Count), new Random(unchecked((int)(seed ^ (seed >> 32)))));
        var batch = picks.Select(i => prompts[(int)i]).ToArray();

        // Stage 1: n0 responses per prompt, gradient norms of the accepted ones.
        var sampling = Stopwatch.StartNew();
        var estimate = executor.Execute([.. batch.Select(p => Request(policy, p, config.Stage1Samples, measure: true, iteration, RolloutStage.Estimate))], (ulong)policySettings.Seed);
        sampling.Stop();

        // The allocation over the batch, from the estimates stage 1 left.
        int budget = config.BudgetFor(batch.Length, Math.Min(config.BatchSize, prompts.Count));
        int[] samples = Allocate(config, [.. estimate.Select(o => new PromptEstimate("bare", iteration, iteration - 1, o.Attempts, o.Acceptances, RunningMoments.Of(o.GradNorms)))], budget);

        // Stage 2: the allocated samples.
        int[] drawn = [.. Enumerable.Range(0, batch.Length).Where(i => samples[i] > 0)];
        sampling.Start();
        var sample = executor.Execute([.. drawn.Select(i => Request(policy, batch[i], samples[i], measure: false, iteration, RolloutStage.Sample))], (ulong)policySettings.Seed);
        sampling.Stop();

        // The update over both stages' responses, and the held-out evaluation when due.
        var training = Stopwatch.StartNew();
        RolloutResponses[] responses =
        [
            .. estimate.Select((o, i) => ClaimProcessor.ResponsesOf($"{iteration}/estimate/{batch[i].Id}", batch[i].Id, o)),
            .. sample.Select((o, j) => ClaimProcessor.ResponsesOf($"{iteration}/sample/{batch[drawn[j]].Id}", batch[drawn[j]].Id, o)),
        ];
        long rollouts = estimate.Sum(o => (long)o.Attempts) + sample.Sum(o => (long)o.Attempts);
        var examples = UpdateExamples.Build(config.Algorithm, responses, policySettings.PromptMeanUpdate);
        UpdateExamples.Train(trainer, examples, policySettings.MiniBatch, policySettings.GradientAccumulation, TrainerCompute.Shuffle(policySettings, iteration));
        var trained = training.Elapsed;
        if (iteration % config.EvalEvery == 0 || config.IsComplete(iteration, rolloutsBefore + rollouts))
        {
            TrainerCompute.Evaluate(policy, data);
        }

        training.Stop();
        Add("generate", sampling.Elapsed);
        Add("train", trained);
        Add("evaluate", training.Elapsed - trained);
        return new IterationTimes(sampling.Elapsed.TotalSeconds, training.Elapsed.TotalSeconds, total.Elapsed.TotalSeconds, rollouts);
    }

    private void Add(string part, TimeSpan time) => _compute[part] = _compute.GetValueOrDefault(part) + time.TotalSeconds;

    // Keyed as the run's work items are (iteration, stage, prompt), so the draws are the system's.
    private static RolloutRequest Request(LoadedPolicy policy, ArithmeticProblem prompt, int count, bool measure, int iteration, RolloutStage stage) =>
        new(policy.Formatter.Format(prompt.Text), prompt.Answer, VerifierKinds.Exact, count, measure, $"{iteration}/{stage}/{prompt.Id}");

    private static int[] Allocate(RunConfig config, PromptEstimate[] estimates, int budget) => config.Allocator switch
    {
        AllocatorKind.Uniform => UniformAllocator.Allocate(estimates.Length, budget).Samples,
        AllocatorKind.Gvm => GvmAllocator.Allocate(
            [.. estimates.Select(e => e.AcceptRate)],
            [.. estimates.Select(e => e.GradNorm)],
            budget,
            new GvmAllocationOptions(config.Alpha, config.Beta, config.FilterThreshold, config.FilterInsufficient)).Samples,
        _ => throw new ArgumentException($"the bare loop allocates with gvm or uniform only (got {config.Allocator})."),
    };
}
