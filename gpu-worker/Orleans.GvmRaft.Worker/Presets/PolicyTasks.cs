using Orleans.GvmRaft.Policy.Training;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.PromptSets;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Worker.Presets;

/// <summary>The warm-up and held-out data of a run's policy: generated for the arithmetic preset, read from imported prompt sets for a model of the team's own.</summary>
public static class PolicyTasks
{
    // The arithmetic warm-up is tuned for the tiny decoder trained from scratch.
    private const double ArithmeticWarmupLearningRate = 3e-3;
    private const int ModelWarmupBatch = 64;

    /// <summary>Loads the data <paramref name="settings"/> names.</summary>
    /// <exception cref="ArgumentException">A named prompt set is empty or unknown.</exception>
    public static async Task<PolicyTaskData> LoadAsync(IGrainFactory grains, PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Preset == PolicySettings.Arithmetic)
        {
            return Arithmetic(settings);
        }

        var warmup = settings.WarmupSet is { } w ? await ReadSetAsync(grains, w, "policy.warmupSet") : [];
        var eval = settings.EvalSet is { } e ? await ReadSetAsync(grains, e, "policy.evalSet") : [];
        return new PolicyTaskData(
            [.. warmup.Select(p => (p.Text, p.Answer))],
            warmup.Count > 0 ? settings.WarmupSteps : 0,
            settings.LearningRate,
            ModelWarmupBatch,
            [.. eval.Select(p => new EvalProblem(p.Text, p.Answer, p.Verifier))]);
    }

    /// <summary>The arithmetic preset's data, generated from <paramref name="settings"/> (no prompt set is read).</summary>
    public static PolicyTaskData Arithmetic(PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new PolicyTaskData(
            ArithmeticPreset.WarmupExamples(settings),
            settings.WarmupSteps,
            ArithmeticWarmupLearningRate,
            ArithmeticPreset.WarmupBatch,
            [.. ArithmeticPreset.EvalSet(settings).Select(p => new EvalProblem(p.Prompt, p.Answer, VerifierKinds.Exact))]);
    }

    /// <summary>Every prompt of set <paramref name="set"/>, in a fixed order.</summary>
    public static async Task<List<PromptDefinition>> ReadSetAsync(IGrainFactory grains, string set, string setting)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var prompts = grains.GetGrain<IPromptSetGrain>(set);
        long count = await prompts.GetCountAsync();
        if (count == 0)
        {
            throw new ArgumentException($"run configuration: {setting} names prompt set '{set}', which is empty or unknown: import it first (gvm import FILE --set {set}).");
        }

        string[] ids = await prompts.SampleAsync((int)count, seed: 0);
        Array.Sort(ids, StringComparer.Ordinal);
        var definitions = new List<PromptDefinition>(ids.Length);
        foreach (var chunk in ids.Chunk(256))
        {
            var read = await Task.WhenAll(chunk.Select(id => grains.GetGrain<IPromptGrain>(id).GetDefinitionAsync()));
            definitions.AddRange(read.OfType<PromptDefinition>());
        }

        return definitions;
    }
}
