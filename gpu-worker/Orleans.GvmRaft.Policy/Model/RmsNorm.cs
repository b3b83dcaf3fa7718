using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Model;

/// <summary>Root-mean-square layer norm, computed in float32 as the reference does.</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly double _eps;
    // Moving the module to another device or dtype replaces its parameters, and TorchSharp points a
    // field at the replacement only when the field has the parameter's name. Without the attribute
    // this field kept the disposed original, so a norm converted to bfloat16 (or, by the same code,
    // moved to CUDA) failed its first call.
    [ComponentName(Name = "weight")]
    private readonly TorchSharp.Modules.Parameter _weight;

    /// <summary>Creates the norm over the last dimension of width <paramref name="size"/>.</summary>
    public RmsNorm(long size, double eps)
        : base(nameof(RmsNorm))
    {
        _eps = eps;
        _weight = nn.Parameter(ones(size));
        register_parameter("weight", _weight);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var x32 = x.to_type(ScalarType.Float32);
        var normed = x32 * rsqrt(x32.pow(2).mean([-1], keepdim: true) + _eps);
        return (_weight * normed.to_type(x.dtype)).MoveToOuterDisposeScope();
    }
}
