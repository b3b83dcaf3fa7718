using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Model;

/// <summary>
/// A Llama/Qwen2-family causal language model: embeddings, pre-norm decoder layers with
/// grouped-query attention and SwiGLU, a final RMSNorm, and a tied or separate output projection.
/// Parameter names are Hugging Face's, so checkpoints load by name.
/// </summary>
public sealed class Decoder : nn.Module
{
    // Added to the scores of masked keys. Finite, unlike −∞, so a query whose every key is
    // masked (a left-padding position) gets uniform weights instead of NaNs that would leak
    // through 0 · NaN into the real positions of later layers.
    private const double MaskedScore = -1e9;

    private readonly Linear? _lmHead;
    private readonly Rotary _rotary;

    /// <summary>Creates a randomly initialised model of <paramref name="config"/> on <paramref name="device"/>.</summary>
    public Decoder(DecoderConfig config, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(Decoder))
    {
        config.Validate();
        Config = config;
        Device = device ?? CPU;
        Trunk = new DecoderTrunk(config);
        register_module("model", Trunk);
        if (!config.TieWordEmbeddings)
        {
            _lmHead = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
            register_module("lm_head", _lmHead);
        }

        this.to(Device, dtype);
        _rotary = new Rotary(config.HeadDim, config.RopeTheta, config.RopeScaling, Device);
    }

    /// <summary>The configuration.</summary>
    public DecoderConfig Config { get; }

    /// <summary>Where the parameters live.</summary>
    public Device Device { get; }

    /// <summary>Embedding, layers and final norm.</summary>
    public DecoderTrunk Trunk { get; }

    /// <summary>The output projection's weight (V, d): <c>lm_head.weight</c>, or the embedding when tied.</summary>
    public Tensor OutputWeight => _lmHead?.weight ?? Trunk.EmbedTokens.weight!;

    /// <summary>The dtype of the parameters.</summary>
    public ScalarType DType => Trunk.EmbedTokens.weight!.dtype;

    /// <summary>Token embeddings (B, T, d) of ids (B, T).</summary>
    public Tensor Embed(Tensor ids) => Trunk.EmbedTokens.forward(ids);

    /// <summary>Runs the model on token ids; see <see cref="ForwardEmbeddings"/>.</summary>
    public DecoderOutput Forward(Tensor ids, Tensor? attentionMask = null, KeyValueCache? cache = null, bool lastPositionOnly = false)
    {
        using var embeds = Embed(ids);
        return ForwardEmbeddings(embeds, attentionMask, cache, lastPositionOnly);
    }

    /// <summary>
    /// Runs the model on input embeddings (B, T, d). <paramref name="attentionMask"/> (B, S), 1 for real
    /// tokens and 0 for padding, covers every key position (cached and new); without it all are real.
    /// Positions count real tokens only, so left-padded prompts get the positions they would alone.
    /// With <paramref name="lastPositionOnly"/> the output covers the last position alone: a decoding
    /// step needs no more, and (T × V) logits of a long prompt with a large vocabulary are gigabytes.
    /// </summary>
    public DecoderOutput ForwardEmbeddings(Tensor embeds, Tensor? attentionMask = null, KeyValueCache? cache = null, bool lastPositionOnly = false)
    {
        using var scope = NewDisposeScope();
        long batch = embeds.shape[0], steps = embeds.shape[1];
        long offset = cache?.Length ?? 0;
        long keys = offset + steps;
        var mask = attentionMask ?? ones([batch, keys], ScalarType.Int64, Device);
        if (mask.shape[1] != keys)
        {
            throw new ArgumentException($"attention mask covers {mask.shape[1]} positions, expected {keys}.");
        }

        var positions = (mask.cumsum(1, ScalarType.Int64) - 1).clamp_min(0).narrow(1, offset, steps);
        var (cos, sin) = _rotary.Angles(positions, embeds.dtype);

        // Query i (absolute offset + i) may see key j when j ≤ offset + i and j is a real token.
        var queryPositions = arange(offset, keys, dtype: ScalarType.Int64, device: Device).unsqueeze(1);
        var keyPositions = arange(0, keys, dtype: ScalarType.Int64, device: Device).unsqueeze(0);
        var allowed = keyPositions.le(queryPositions).unsqueeze(0).unsqueeze(0)
            .logical_and(mask.unsqueeze(1).unsqueeze(1).to_type(ScalarType.Bool));
        var additive = zeros(allowed.shape, embeds.dtype, Device).masked_fill(allowed.logical_not(), MaskedScore);

        var h = embeds;
        for (int i = 0; i < Trunk.Layers.Count; i++)
        {
            h = Trunk.Layers[i].Forward(h, cos, sin, additive, cache, i);
        }

        cache?.Advance(steps);
        var hidden = Trunk.Norm.forward(lastPositionOnly ? h.narrow(1, steps - 1, 1) : h);
        var logits = _lmHead is not null ? _lmHead.forward(hidden) : hidden.matmul(Trunk.EmbedTokens.weight!.t());
        return new DecoderOutput(hidden.MoveToOuterDisposeScope(), logits.MoveToOuterDisposeScope());
    }
}
