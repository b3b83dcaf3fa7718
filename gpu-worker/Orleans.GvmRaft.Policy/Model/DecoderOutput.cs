using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Model;

/// <summary>Final hidden states (after the last norm), (B, T, d), and logits, (B, T, V).</summary>
public sealed record DecoderOutput(Tensor Hidden, Tensor Logits) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        Hidden.Dispose();
        Logits.Dispose();
    }
}
