using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Tasks;
using Orleans.GvmRaft.Policy.Training;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Worker.Presets;

/// <summary>
/// The embedded default's policy: the synthetic arithmetic task on <see cref="ArithmeticModel"/>,
/// warmed up by supervised fine-tuning on a few worked solutions, and its held-out set.
/// </summary>
public static class ArithmeticPreset
{
    private const int WarmupBatch = 64;

    /// <summary>
    /// Supervised warm-up on difficulty-balanced worked examples drawn apart from any prompt set:
    /// enough for the easy prompts, too little for the hard ones, so RL starts with acceptance
    /// rates spread over (0, 1). Returns the final NLL.
    /// </summary>
    public static double Warmup(Decoder model, PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var examples = ArithmeticTask.Generate(settings.WarmupExamples, settings.Seed + 104_729, "warmup")
            .Select(p => (p.Text, p.Answer)).ToList();
        return SupervisedWarmup.Run(model, ArithmeticModel.Tokenizer, examples, settings.WarmupSteps, WarmupBatch, new TrainingOptions(LearningRate: 3e-3), settings.Seed);
    }

    /// <summary>The held-out set: generated from its own seed, so it shares no problem stream with training prompts.</summary>
    public static List<(string Prompt, string Answer)> EvalSet(PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return [.. ArithmeticTask.Generate(settings.EvalPrompts, settings.Seed + 7919, "eval").Select(p => (p.Text, p.Answer))];
    }

}
