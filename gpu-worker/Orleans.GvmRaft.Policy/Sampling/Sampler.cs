using Orleans.GvmRaft.Policy.Model;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Sampling;

/// <summary>
/// Batched generation with a key-value cache: prompts are left-padded into one batch, the prompt is
/// run once (prefill), then one token per step for every unfinished response.
/// </summary>
public sealed class Sampler(Decoder model)
{
    /// <summary>Generates one response per prompt.</summary>
    public IReadOnlyList<Generation> Generate(IReadOnlyList<int[]> prompts, SamplingOptions options)
    {
        options.Validate();
        if (prompts.Count == 0)
        {
            return [];
        }

        if (prompts.Any(p => p.Length == 0))
        {
            throw new ArgumentException("every prompt needs at least one token.");
        }

        int batch = prompts.Count;
        int promptLength = prompts.Max(p => p.Length);
        int total = promptLength + options.MaxNewTokens;
        var device = model.Device;
        using var generator = new Generator(options.Seed, device);
        using var noGrad = no_grad();
        using var cache = new KeyValueCache(model.Config, batch, total, model.DType, device);

        // Rows never attend across the batch, so only the left padding needs masking: every
        // generated position is marked real, and a finished row's placeholders are simply ignored.
        var (next, promptMask) = LeftPad(prompts, promptLength, device);
        using var mask = ones([batch, total], ScalarType.Int64, device);
        mask.narrow(1, 0, promptLength).copy_(promptMask);
        promptMask.Dispose();

        var eos = new HashSet<int>(options.EosTokenIds ?? []);
        var tokens = Enumerable.Range(0, batch).Select(_ => new List<int>()).ToArray();
        var logProbs = Enumerable.Range(0, batch).Select(_ => new List<float>()).ToArray();
        var stopped = new bool[batch];
        long filled = promptLength;
        for (int step = 0; step < options.MaxNewTokens; step++)
        {
            int[] chosen;
            float[] chosenLogProbs;
            using (NewDisposeScope())
            {
                using var output = model.Forward(next, mask.narrow(1, 0, filled), cache, lastPositionOnly: true);
                (chosen, chosenLogProbs) = Choose(output.Logits.select(1, -1).to_type(ScalarType.Float32), options, generator);
            }

            next.Dispose();
            for (int b = 0; b < batch; b++)
            {
                if (!stopped[b])
                {
                    tokens[b].Add(chosen[b]);
                    logProbs[b].Add(chosenLogProbs[b]);
                    stopped[b] = eos.Contains(chosen[b]);
                }
            }

            if (stopped.All(s => s) || step == options.MaxNewTokens - 1)
            {
                break;
            }

            next = tensor(chosen.Select(t => (long)t).ToArray(), [batch, 1], ScalarType.Int64, device);
            filled++;
        }

        return [.. Enumerable.Range(0, batch).Select(b => new Generation([.. tokens[b]], [.. logProbs[b]], stopped[b]))];
    }

    private static (int[] Tokens, float[] LogProbs) Choose(Tensor logits, SamplingOptions options, Generator generator)
    {
        if (options.Temperature == 0)
        {
            var logProbs = logits.log_softmax(-1);
            var best = logits.argmax(-1);
            return (ToInts(best), ToFloats(logProbs.gather(1, best.unsqueeze(1)).squeeze(1)));
        }

        var scaled = logits / options.Temperature;
        var full = scaled.log_softmax(-1);
        var filtered = scaled;
        if (options.TopK > 0 && options.TopK < logits.shape[1])
        {
            var kth = filtered.topk(options.TopK, -1).values.narrow(1, options.TopK - 1, 1);
            filtered = filtered.masked_fill(filtered.lt(kth), double.NegativeInfinity);
        }

        if (options.TopP < 1)
        {
            // Drop the tokens after the cumulative probability of the sorted distribution passes p,
            // always keeping the most likely one.
            var (sorted, order) = filtered.sort(-1, descending: true);
            var cumulative = sorted.softmax(-1).cumsum(-1);
            var dropSorted = (cumulative - sorted.softmax(-1)).gt(options.TopP);
            var drop = zeros_like(dropSorted).scatter_(1, order, dropSorted);
            filtered = filtered.masked_fill(drop, double.NegativeInfinity);
        }

        var picked = multinomial(filtered.softmax(-1), 1, replacement: true, generator: generator).squeeze(1);
        return (ToInts(picked), ToFloats(full.gather(1, picked.unsqueeze(1)).squeeze(1)));
    }

    private static (Tensor Ids, Tensor Mask) LeftPad(IReadOnlyList<int[]> prompts, int length, Device device)
    {
        var ids = new long[prompts.Count * length];
        var mask = new long[prompts.Count * length];
        for (int b = 0; b < prompts.Count; b++)
        {
            int pad = length - prompts[b].Length;
            for (int t = 0; t < prompts[b].Length; t++)
            {
                ids[(b * length) + pad + t] = prompts[b][t];
                mask[(b * length) + pad + t] = 1;
            }
        }

        return (tensor(ids, [prompts.Count, length], ScalarType.Int64, device), tensor(mask, [prompts.Count, length], ScalarType.Int64, device));
    }

    private static int[] ToInts(Tensor t) => [.. t.cpu().to_type(ScalarType.Int64).data<long>().Select(v => (int)v)];

    private static float[] ToFloats(Tensor t) => [.. t.cpu().to_type(ScalarType.Float32).data<float>()];
}
