using Orleans.GvmRaft.Policy.Tasks;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Worker.Presets;

/// <summary>
/// The embedded default's data: worked arithmetic examples for the supervised warm-up and a
/// held-out set, both generated apart from any prompt set.
/// </summary>
public static class ArithmeticPreset
{
    /// <summary>
    /// Difficulty-balanced worked examples: enough for the easy prompts, too little for the hard
    /// ones, so RL starts with acceptance rates spread over (0, 1).
    /// </summary>
    public static List<(string Prompt, string Answer)> WarmupExamples(PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return [.. ArithmeticTask.Generate(settings.WarmupExamples, settings.Seed + 104_729, "warmup").Select(p => (p.Text, p.Answer))];
    }

    /// <summary>The held-out set: generated from its own seed, so it shares no problem stream with training prompts.</summary>
    public static List<(string Prompt, string Answer)> EvalSet(PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return [.. ArithmeticTask.Generate(settings.EvalPrompts, settings.Seed + 7919, "eval").Select(p => (p.Text, p.Answer))];
    }
}
