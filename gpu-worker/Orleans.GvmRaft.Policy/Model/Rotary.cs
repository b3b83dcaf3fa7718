using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Model;

/// <summary>Rotary position embedding in the Hugging Face "rotate half" layout.</summary>
public sealed class Rotary
{
    private readonly Tensor _inverseFrequencies;

    /// <summary>Frequencies θ^(−2i/d) for a head of width <paramref name="headDim"/>, rescaled as the config says.</summary>
    public Rotary(int headDim, double theta, RopeScaling scaling, Device device)
    {
        // Computed in float32 as the reference does, so default rotary angles match bit for bit.
        var exponents = arange(0, headDim, 2, dtype: ScalarType.Int64).to_type(ScalarType.Float32) / headDim;
        var frequencies = 1.0 / pow(tensor(theta, ScalarType.Float32), exponents);
        if (scaling.Type != "default")
        {
            double[] scaled = scaling.Apply([.. frequencies.data<float>().Select(f => (double)f)]);
            frequencies = tensor(scaled.Select(f => (float)f).ToArray());
        }

        _inverseFrequencies = frequencies.to(device);
    }

    /// <summary>cos and sin of shape (B, 1, T, D) for integer positions (B, T).</summary>
    public (Tensor Cos, Tensor Sin) Angles(Tensor positions, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var freqs = positions.to_type(ScalarType.Float32).unsqueeze(-1) * _inverseFrequencies;
        var angles = cat([freqs, freqs], -1).unsqueeze(1);
        return (angles.cos().to_type(dtype).MoveToOuterDisposeScope(), angles.sin().to_type(dtype).MoveToOuterDisposeScope());
    }

    /// <summary>x·cos + rotate_half(x)·sin, rotate_half(x) = (−x₂, x₁) over the two halves of the last dimension.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var halves = x.chunk(2, -1);
        var rotated = cat([-halves[1], halves[0]], -1);
        return ((x * cos) + (rotated * sin)).MoveToOuterDisposeScope();
    }
}
