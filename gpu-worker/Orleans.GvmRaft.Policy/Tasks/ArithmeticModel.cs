using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Text;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Tasks;

/// <summary>The embedded default's model: a tiny character-level decoder (4 layers, width 128) for the arithmetic task.</summary>
public static class ArithmeticModel
{
    /// <summary>Its tokenizer.</summary>
    public static CharTokenizer Tokenizer => CharTokenizer.Arithmetic;

    /// <summary>Its decoder shape.</summary>
    public static DecoderConfig Config() => new()
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
    public static Decoder Create(int seed)
    {
        // Initialisation reads the process-wide generator; the seed makes it reproducible.
        manual_seed(seed);
        return new Decoder(Config());
    }
}
