using Orleans.GvmRaft.Policy.Tasks;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Worker.Presets;

/// <summary>
/// The embedded default's data: worked arithmetic examples for the supervised warm-up and a
/// held-out set, both generated apart from any prompt set.
/// </summary>
/// <remarks>
/// The warm-up imitates a teacher that forgets a carry or a borrow 80 % of the time, the way SFT
/// data from a weaker model carries its systematic slips. The decoder learns the worked format and
/// the digit arithmetic from it, and learns to carry only sometimes, so RL starts where a verifier
/// has something to teach: problems without a carry are solved nearly always (p near 1), a problem
/// with one carry is solved now and then (p in between), one with several almost never (p near 0).
/// </remarks>
public static class ArithmeticPreset
{
    /// <summary>The teacher's chance of forgetting each carry or borrow.</summary>
    public const double TeacherDropsCarry = 0.8;

    /// <summary>Difficulty levels the preset draws (1: 1±1 to 4: 1±1±1 digits; see <see cref="ArithmeticTask.Create"/>).</summary>
    public const int Difficulties = ArithmeticTask.ShortAnswerDifficulties;

    /// <summary>Examples per warm-up step.</summary>
    public const int WarmupBatch = 128;

    /// <summary>The preset's problems: the training pool, the warm-up's and the held-out set are drawn from different seeds.</summary>
    public static List<ArithmeticProblem> Problems(int count, int seed, string idPrefix) =>
        ArithmeticTask.Generate(count, seed, idPrefix, Difficulties);

    /// <summary>The warm-up's worked examples, as the teacher writes them.</summary>
    public static List<(string Prompt, string Answer)> WarmupExamples(PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var teacher = new Random(settings.Seed + 31_337);
        return [.. Problems(settings.WarmupExamples, settings.Seed + 104_729, "warmup").Select(p => (p.Text, ArithmeticTask.Demonstrate(p, TeacherDropsCarry, teacher)))];
    }

    /// <summary>The held-out set, with correct answers: generated from its own seed, so it shares no problem stream with training prompts.</summary>
    public static List<(string Prompt, string Answer)> EvalSet(PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return [.. Problems(settings.EvalPrompts, settings.Seed + 7919, "eval").Select(p => (p.Text, p.Answer))];
    }
}
