using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Model;

/// <summary>One pre-norm decoder block: x + attn(norm(x)), then + mlp(norm(·)).</summary>
public sealed class DecoderLayer : nn.Module
{
    private readonly RmsNorm _inputNorm;
    private readonly Attention _attention;
    private readonly RmsNorm _postAttentionNorm;
    private readonly SwiGlu _mlp;

    /// <summary>Creates the block with Hugging Face parameter names.</summary>
    public DecoderLayer(DecoderConfig config)
        : base(nameof(DecoderLayer))
    {
        _inputNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        _attention = new Attention(config);
        _postAttentionNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        _mlp = new SwiGlu(config);
        register_module("input_layernorm", _inputNorm);
        register_module("self_attn", _attention);
        register_module("post_attention_layernorm", _postAttentionNorm);
        register_module("mlp", _mlp);
    }

    /// <summary>Runs the block; see <see cref="Attention.Forward"/> for the arguments.</summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor mask, KeyValueCache? cache, int layer)
    {
        using var scope = NewDisposeScope();
        var h = x + _attention.Forward(_inputNorm.forward(x), cos, sin, mask, cache, layer);
        return (h + _mlp.forward(_postAttentionNorm.forward(h))).MoveToOuterDisposeScope();
    }
}
