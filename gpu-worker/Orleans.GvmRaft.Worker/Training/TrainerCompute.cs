using Orleans.GvmRaft.Allocation;
using Orleans.GvmRaft.Policy.Training;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Worker.Policies;
using Orleans.GvmRaft.Worker.Presets;

namespace Orleans.GvmRaft.Worker.Training;

/// <summary>
/// The trainer's model work without its bookkeeping: the warm-up, the optimiser's options and the
/// held-out evaluation. The trainer's jobs call it, and so does the bare loop that
/// <c>gvm-embedded bench overhead</c> measures the system against, so both do the same compute.
/// </summary>
public static class TrainerCompute
{
    /// <summary>The options of the RL updates' optimiser.</summary>
    public static TrainingOptions Options(PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new(LearningRate: settings.LearningRate, MaxGradNorm: 1.0, ClipEpsilon: settings.ClipEpsilonOrDefault, Temperature: settings.Temperature);
    }

    /// <summary>The order an update steps through iteration <paramref name="iteration"/>'s examples in: from the run's seed, the same in every process.</summary>
    public static Random Shuffle(PolicySettings settings, int iteration)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new Random(SeedMix.ForRandom((ulong)settings.Seed, (ulong)iteration));
    }

    /// <summary>
    /// Warms <paramref name="policy"/> up with supervised fine-tuning on <paramref name="data"/>'s
    /// worked examples, or restores the same warm-up from <paramref name="warmups"/> (arithmetic
    /// preset only); returns the last NLL and whether it was kept from an earlier run, or null
    /// when the data asks for no warm-up.
    /// </summary>
    public static (double Nll, bool Kept)? WarmUp(LoadedPolicy policy, PolicySettings settings, PolicyTaskData data, WarmupCache warmups, Action<int, int, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(warmups);
        if (data.WarmupSteps <= 0)
        {
            return null;
        }

        // The arithmetic warm-up is the same for every run of one seed: kept, it is trained once.
        string? key = settings.Preset == PolicySettings.Arithmetic && settings.Model is null ? WarmupCache.KeyOf(settings) : null;
        double? kept = key is null ? null : warmups.TryRestore(key, policy.Model);
        double nll = kept ?? SupervisedWarmup.Run(
            policy.Model,
            policy.Tokenizer,
            [.. data.Warmup.Select(e => (policy.Formatter.Format(e.Prompt), e.Answer))],
            data.WarmupSteps,
            data.WarmupBatch,
            new TrainingOptions(LearningRate: data.WarmupLearningRate),
            settings.Seed,
            progress);
        if (key is not null && kept is null)
        {
            warmups.Store(key, policy.Model, nll);
        }

        return (nll, kept is not null);
    }

    /// <summary>Greedy accuracy of <paramref name="policy"/> on the held-out problems; null when there are none.</summary>
    public static double? Evaluate(LoadedPolicy policy, PolicyTaskData data)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(data);
        return data.Eval.Count == 0
            ? null
            : GreedyEvaluation.Accuracy(policy.Model, policy.Tokenizer, [.. data.Eval.Select(p => p with { Prompt = policy.Formatter.Format(p.Prompt) })], policy.Settings.MaxNewTokens, policy.StopIds);
    }
}
