using Orleans.GvmRaft.Policy.Model;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Tests.Policy;

/// <summary>Small randomly initialised decoders for tests that need no reference outputs.</summary>
public static class TinyModels
{
    /// <summary>A Llama-style config: no attention bias, grouped-query heads, optionally tied embeddings.</summary>
    public static DecoderConfig Llama(bool tied) => new()
    {
        VocabSize = 48,
        HiddenSize = 32,
        IntermediateSize = 64,
        Layers = 2,
        Heads = 4,
        KeyValueHeads = 2,
        HeadDim = 8,
        RopeTheta = 10000,
        TieWordEmbeddings = tied,
        AttentionBias = false,
        ModelType = "llama",
    };

    /// <summary>A decoder of <paramref name="config"/> with weights drawn from a fixed seed.</summary>
    public static Decoder Create(DecoderConfig config, long seed = 7)
    {
        return SeededInitialization.Run(seed, () =>
        {
            var model = new Decoder(config);
            using var noGrad = no_grad();
            foreach (var (_, parameter) in model.named_parameters())
            {
                parameter.normal_(0, 0.2);
            }

            return model;
        });
    }
}
