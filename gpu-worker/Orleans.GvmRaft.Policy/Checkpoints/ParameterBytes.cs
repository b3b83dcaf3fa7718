using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Checkpoints;

/// <summary>
/// A model's parameters as one byte array (float32, in parameter order), for shipping a policy
/// version between processes that built the same architecture.
/// </summary>
public static class ParameterBytes
{
    /// <summary>Every parameter's values, float32 little-endian, concatenated in <c>named_parameters</c> order.</summary>
    public static byte[] Export(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var scope = NewDisposeScope();
        var parts = module.parameters().Select(p => p.detach().to(ScalarType.Float32).cpu().contiguous().bytes.ToArray()).ToList();
        var all = new byte[parts.Sum(p => p.Length)];
        int at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(all, at);
            at += part.Length;
        }

        return all;
    }

    /// <summary>Copies <paramref name="bytes"/> from <see cref="Export"/> into the parameters of <paramref name="module"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes do not fit the module's parameters.</exception>
    public static void Import(nn.Module module, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(bytes);
        var parameters = module.parameters().ToList();
        long expected = parameters.Sum(p => p.numel() * sizeof(float));
        if (expected != bytes.Length)
        {
            throw new InvalidDataException($"policy weights hold {bytes.Length} bytes; this model's parameters need {expected}.");
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int at = 0;
        foreach (var p in parameters)
        {
            int length = (int)(p.numel() * sizeof(float));
            using var source = empty(p.shape, ScalarType.Float32);
            source.bytes = bytes.AsSpan(at, length).ToArray();
            p.copy_(source.to(p.dtype, p.device));
            at += length;
        }
    }
}
