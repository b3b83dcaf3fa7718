using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Model;

/// <summary>The feed-forward block: down(silu(gate(x)) · up(x)).</summary>
public sealed class SwiGlu : nn.Module<Tensor, Tensor>
{
    private readonly Linear _gate;
    private readonly Linear _up;
    private readonly Linear _down;

    /// <summary>Creates the three bias-free projections.</summary>
    public SwiGlu(DecoderConfig config)
        : base(nameof(SwiGlu))
    {
        _gate = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        _up = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        _down = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: false);
        register_module("gate_proj", _gate);
        register_module("up_proj", _up);
        register_module("down_proj", _down);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return _down.forward(nn.functional.silu(_gate.forward(x)) * _up.forward(x)).MoveToOuterDisposeScope();
    }
}
