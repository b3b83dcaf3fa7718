using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Tasks;
using Orleans.GvmRaft.Policy.Text;
using Orleans.GvmRaft.Policy.Training;
using Orleans.GvmRaft.Runs;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Worker.Presets;

/// <summary>
/// The embedded default's policy: the synthetic arithmetic task on a tiny character-level decoder
/// (4 layers, width 128), warmed up by supervised fine-tuning on a few worked solutions.
/// </summary>
public static class ArithmeticPreset
{
    private const int WarmupBatch = 64;

    /// <summary>The preset's tokenizer.</summary>
    public static CharTokenizer Tokenizer => CharTokenizer.Arithmetic;

    /// <summary>The preset's decoder shape.</summary>
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

    /// <summary>A freshly initialised model, reproducibly from <paramref name="seed"/>.</summary>
    public static Decoder NewModel(int seed)
    {
        // Initialisation reads the process-wide generator; the seed makes it reproducible.
        manual_seed(seed);
        return new Decoder(ModelConfig());
    }

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
        return SupervisedWarmup.Run(model, Tokenizer, examples, settings.WarmupSteps, WarmupBatch, new TrainingOptions(LearningRate: 3e-3), settings.Seed);
    }

    /// <summary>The held-out set: generated from its own seed, so it shares no problem stream with training prompts.</summary>
    public static List<(string Prompt, string Answer)> EvalSet(PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return [.. ArithmeticTask.Generate(settings.EvalPrompts, settings.Seed + 7919, "eval").Select(p => (p.Text, p.Answer))];
    }

    /// <summary>Training prompts for a prompt set: ids <c>{prefix}-{n}</c>, reproducibly from <paramref name="seed"/>.</summary>
    public static List<ArithmeticProblem> TrainingPrompts(int count, int seed, string prefix) => ArithmeticTask.Generate(count, seed, prefix);
}
