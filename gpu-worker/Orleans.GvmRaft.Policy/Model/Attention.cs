using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Model;

/// <summary>Causal self-attention with grouped-query heads, rotary positions and an optional cache.</summary>
public sealed class Attention : nn.Module
{
    private readonly DecoderConfig _config;
    private readonly Linear _q;
    private readonly Linear _k;
    private readonly Linear _v;
    private readonly Linear _o;

    /// <summary>Creates the projections q, k, v (biased when the config says so) and o (never biased).</summary>
    public Attention(DecoderConfig config)
        : base(nameof(Attention))
    {
        _config = config;
        _q = nn.Linear(config.HiddenSize, config.Heads * config.HeadDim, hasBias: config.AttentionBias);
        _k = nn.Linear(config.HiddenSize, config.KeyValueHeads * config.HeadDim, hasBias: config.AttentionBias);
        _v = nn.Linear(config.HiddenSize, config.KeyValueHeads * config.HeadDim, hasBias: config.AttentionBias);
        _o = nn.Linear(config.Heads * config.HeadDim, config.HiddenSize, hasBias: false);
        register_module("q_proj", _q);
        register_module("k_proj", _k);
        register_module("v_proj", _v);
        register_module("o_proj", _o);
    }

    /// <summary>
    /// x (B, T, d) → (B, T, d). <paramref name="mask"/> is additive, (B, 1, T, S) over the S keys
    /// attended to (cached and new); <paramref name="cache"/> receives this step's keys and values.
    /// </summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor mask, KeyValueCache? cache, int layer)
    {
        using var scope = NewDisposeScope();
        long batch = x.shape[0], steps = x.shape[1];
        int headDim = _config.HeadDim;
        var q = _q.forward(x).view(batch, steps, _config.Heads, headDim).transpose(1, 2);
        var k = _k.forward(x).view(batch, steps, _config.KeyValueHeads, headDim).transpose(1, 2);
        var v = _v.forward(x).view(batch, steps, _config.KeyValueHeads, headDim).transpose(1, 2);
        q = Rotary.Apply(q, cos, sin);
        k = Rotary.Apply(k, cos, sin);
        if (cache is not null)
        {
            (k, v) = cache.Append(layer, k, v);
        }

        // Each key/value head serves Heads / KeyValueHeads consecutive query heads.
        int group = _config.Heads / _config.KeyValueHeads;
        if (group > 1)
        {
            k = k.repeat_interleave(group, dim: 1);
            v = v.repeat_interleave(group, dim: 1);
        }

        var scores = q.matmul(k.transpose(2, 3)) * (1.0 / Math.Sqrt(headDim));
        var weights = (scores + mask).softmax(-1, ScalarType.Float32).to_type(q.dtype);
        var output = weights.matmul(v).transpose(1, 2).reshape(batch, steps, _config.Heads * headDim);
        return _o.forward(output).MoveToOuterDisposeScope();
    }
}
