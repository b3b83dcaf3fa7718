using Orleans.GvmRaft.Allocation;
using Orleans.GvmRaft.Policy.Model;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Sampling;

/// <summary>
/// Batched generation with a key-value cache: prompts are left-padded into one batch, the prompt is
/// run once (prefill), then one token per step for every unfinished response.
/// </summary>
/// <remarks>
/// Every response draws from a random stream of its own (its row seed and the step), by inverting
/// the distribution's cumulative sum at that stream's uniform: what a response is depends on its
/// seed and its prompt, not on which other responses share its batch or in which order, so a run
/// is repeatable whichever worker claims which items.
/// </remarks>
public sealed class Sampler(Decoder model)
{
    /// <summary>
    /// Generates one response per prompt; response b draws from stream <paramref name="rowSeeds"/>[b],
    /// or, when none are given, from <see cref="SamplingOptions.Seed"/> mixed with b.
    /// </summary>
    public IReadOnlyList<Generation> Generate(IReadOnlyList<int[]> prompts, SamplingOptions options, IReadOnlyList<ulong>? rowSeeds = null)
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

        if (rowSeeds is not null && rowSeeds.Count != prompts.Count)
        {
            throw new ArgumentException($"{rowSeeds.Count} row seeds for {prompts.Count} prompts.", nameof(rowSeeds));
        }

        int batch = prompts.Count;
        int promptLength = prompts.Max(p => p.Length);
        int total = promptLength + options.MaxNewTokens;
        var device = model.Device;
        ulong[] streams = [.. Enumerable.Range(0, batch).Select(b => rowSeeds?[b] ?? SeedMix.Mix(options.Seed, (ulong)b))];
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
                double[] uniforms = [.. streams.Select(seed => SeedMix.Uniform(seed, (ulong)step))];
                (chosen, chosenLogProbs) = Choose(output.Logits.select(1, -1).to_type(ScalarType.Float32), options, uniforms);
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

    private static (int[] Tokens, float[] LogProbs) Choose(Tensor logits, SamplingOptions options, double[] uniforms)
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

        // Inverse transform: the first token whose cumulative probability reaches the row's uniform
        // (in float64, so a long vocabulary's sum does not drift; a zero-probability token is never
        // the first to reach it, as the sum does not rise there).
        var cdf = filtered.softmax(-1).to_type(ScalarType.Float64).cumsum(-1);
        long vocabulary = logits.shape[1];
        var u = tensor(uniforms, [uniforms.Length, 1], ScalarType.Float64, logits.device) * cdf.narrow(1, vocabulary - 1, 1);
        var picked = cdf.lt(u).sum(-1).clamp_max(vocabulary - 1);
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
