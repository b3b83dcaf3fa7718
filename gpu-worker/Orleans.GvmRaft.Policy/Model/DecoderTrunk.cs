using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Model;

/// <summary>The Hugging Face <c>model.*</c> part of the decoder: token embedding, layers, final norm.</summary>
public sealed class DecoderTrunk : nn.Module
{
    /// <summary>Creates the trunk with Hugging Face parameter names.</summary>
    public DecoderTrunk(DecoderConfig config)
        : base(nameof(DecoderTrunk))
    {
        EmbedTokens = nn.Embedding(config.VocabSize, config.HiddenSize);
        Layers = nn.ModuleList([.. Enumerable.Range(0, config.Layers).Select(_ => new DecoderLayer(config))]);
        Norm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        register_module("embed_tokens", EmbedTokens);
        register_module("layers", Layers);
        register_module("norm", Norm);
    }

    /// <summary><c>embed_tokens</c>.</summary>
    public Embedding EmbedTokens { get; }

    /// <summary><c>layers.N</c>.</summary>
    public ModuleList<DecoderLayer> Layers { get; }

    /// <summary><c>norm</c>.</summary>
    public RmsNorm Norm { get; }
}
