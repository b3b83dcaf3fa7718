using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Sampling;

/// <summary>
/// Prompt-plus-response sequences left-padded into one batch: ids and attention mask (B, L), and
/// the mask of target positions (B, L − 1) whose token is a response token, i.e. where
/// logits[:, t] predict ids[:, t + 1] of the response.
/// </summary>
public sealed class SequenceBatch : IDisposable
{
    private SequenceBatch(Tensor ids, Tensor mask, Tensor targets)
    {
        Ids = ids;
        Mask = mask;
        ResponseTargets = targets;
    }

    /// <summary>Token ids (B, L), int64.</summary>
    public Tensor Ids { get; }

    /// <summary>1 for real tokens, 0 for padding (B, L), int64.</summary>
    public Tensor Mask { get; }

    /// <summary>1 where position t + 1 is a response token (B, L − 1), float32.</summary>
    public Tensor ResponseTargets { get; }

    /// <summary>Packs <paramref name="sequences"/> onto <paramref name="device"/>.</summary>
    public static SequenceBatch Create(IReadOnlyList<ScoredSequence> sequences, Device device)
    {
        if (sequences.Count == 0 || sequences.Any(s => s.Prompt.Length == 0 || s.Response.Length == 0))
        {
            throw new ArgumentException("every sequence needs a non-empty prompt and response.");
        }

        int batch = sequences.Count;
        int length = sequences.Max(s => s.Prompt.Length + s.Response.Length);
        var ids = new long[batch * length];
        var mask = new long[batch * length];
        var targets = new float[batch * (length - 1)];
        for (int b = 0; b < batch; b++)
        {
            int[] tokens = sequences[b].Tokens;
            int pad = length - tokens.Length;
            for (int t = 0; t < tokens.Length; t++)
            {
                ids[(b * length) + pad + t] = tokens[t];
                mask[(b * length) + pad + t] = 1;
            }

            int firstResponse = pad + sequences[b].Prompt.Length;
            for (int t = firstResponse; t < length; t++)
            {
                targets[(b * (length - 1)) + t - 1] = 1;
            }
        }

        return new SequenceBatch(
            tensor(ids, [batch, length], ScalarType.Int64, device),
            tensor(mask, [batch, length], ScalarType.Int64, device),
            tensor(targets, [batch, length - 1], ScalarType.Float32, device));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Ids.Dispose();
        Mask.Dispose();
        ResponseTargets.Dispose();
    }
}
