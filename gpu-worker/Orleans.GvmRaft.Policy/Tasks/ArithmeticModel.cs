using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Text;

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
        return SeededInitialization.Run(seed, () => new Decoder(Config()));
    }

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="folder"/> in Hugging Face layout, so it
    /// loads like any other model folder: <c>config.json</c> and <c>model.safetensors</c>, the
    /// character tokenizer as a byte-level BPE <c>tokenizer.json</c> with the same ids,
    /// <c>tokenizer_config.json</c> (BOS <c>&lt;s&gt;</c> before every input, EOS <c>&lt;/s&gt;</c>) and
    /// <c>generation_config.json</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The model's vocabulary is not the tokenizer's.</exception>
    public static void Export(Decoder model, string folder)
    {
        if (model.Config.VocabSize != Tokenizer.VocabSize)
        {
            throw new ArgumentException(
                $"the model has {model.Config.VocabSize} token ids but the arithmetic tokenizer {Tokenizer.VocabSize}.", nameof(model));
        }

        HfCheckpoint.Save(model, folder);
        JsonFile.Write(Path.Combine(folder, "tokenizer.json"), ArithmeticModelFiles.Tokenizer(Tokenizer));
        JsonFile.Write(Path.Combine(folder, "tokenizer_config.json"), ArithmeticModelFiles.TokenizerConfig(model.Config.MaxPositions));
        JsonFile.Write(Path.Combine(folder, "generation_config.json"), ArithmeticModelFiles.GenerationConfig());
    }
}
