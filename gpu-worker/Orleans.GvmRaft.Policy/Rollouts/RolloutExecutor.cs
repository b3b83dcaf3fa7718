using Orleans.GvmRaft.Allocation;
using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Probe;
using Orleans.GvmRaft.Policy.Sampling;
using Orleans.GvmRaft.Policy.Text;
using Orleans.GvmRaft.Policy.Verifiers;

namespace Orleans.GvmRaft.Policy.Rollouts;

/// <summary>
/// What a worker does with rollout work: draw the responses of many requests in shared batches of
/// similar prompt length, verify each, and measure the gradient norms of accepted ones where asked, in batches too.
/// </summary>
public sealed class RolloutExecutor(Decoder model, ITextTokenizer tokenizer, SamplingOptions sampling, ProbeTarget probeTarget, int batchSize = 256)
{
    /// <summary>
    /// Executes <paramref name="requests"/>. Response j of a request draws from a stream of its own,
    /// seeded by <paramref name="seed"/>, the request's draw key and j, so it is the same however the
    /// requests are split between calls and batches.
    /// </summary>
    public IReadOnlyList<RolloutOutcome> Execute(IReadOnlyList<RolloutRequest> requests, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var flat = requests.SelectMany((r, i) => Enumerable.Repeat(i, r.Count)).ToArray();
        var draw = requests.SelectMany(r => Enumerable.Range(0, r.Count)).ToArray();
        ulong[] streams = [.. requests.Select((r, i) => SeedMix.Mix(seed, r.DrawKey ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture)))];
        var prompts = requests.Select(r => tokenizer.PromptIds(r.Prompt)).ToArray();

        // The run's stop tokens and the tokenizer's end of sequence both end a response.
        int[] stops = [.. (sampling.EosTokenIds ?? []).Concat(tokenizer.EosId is int eos ? [eos] : []).Distinct()];
        var options = sampling with { EosTokenIds = stops };

        // A batch is left-padded to its longest prompt, so draws are batched shortest prompt first:
        // one long prompt then pads only the batch of other long ones. OrderBy is stable, so equal
        // lengths keep request order; which batch a response lands in does not change what it draws.
        int[] order = [.. Enumerable.Range(0, flat.Length).OrderBy(k => prompts[flat[k]].Length)];
        var generations = new Generation[flat.Length];
        var sampler = new Sampler(model);
        for (int start = 0; start < order.Length; start += batchSize)
        {
            int[] chunk = order[start..Math.Min(start + batchSize, order.Length)];
            var drawn = sampler.Generate([.. chunk.Select(k => prompts[flat[k]])], options, [.. chunk.Select(k => SeedMix.Mix(streams[flat[k]], (ulong)draw[k]))]);
            for (int j = 0; j < chunk.Length; j++)
            {
                generations[chunk[j]] = drawn[j];
            }
        }

        var responses = requests.Select(_ => new List<(ScoredSequence, int)>()).ToArray();
        var logProbs = requests.Select(_ => new List<float[]>()).ToArray();
        for (int k = 0; k < flat.Length; k++)
        {
            var request = requests[flat[k]];
            var tokens = generations[k].Tokens;
            string text = tokenizer.Decode(tokens);
            int reward = Verifier.For(request.Verifier).Score(text, request.Answer);

            // An empty response still needs a token to score; the stop token stands in.
            int[] response = tokens.Length > 0 ? tokens : [tokenizer.EosId ?? 0];
            responses[flat[k]].Add((new ScoredSequence(prompts[flat[k]], response), reward));
            logProbs[flat[k]].Add(generations[k].LogProbs);
        }

        var norms = MeasureAccepted(requests, responses);
        return [.. requests.Select((_, i) => new RolloutOutcome(responses[i], norms[i], [.. logProbs[i]]))];
    }

    private double[][] MeasureAccepted(IReadOnlyList<RolloutRequest> requests, List<(ScoredSequence Sequence, int Reward)>[] responses)
    {
        var wanted = new List<(int Request, ScoredSequence Sequence)>();
        for (int i = 0; i < requests.Count; i++)
        {
            if (requests[i].MeasureGradNorms)
            {
                wanted.AddRange(responses[i].Where(r => r.Reward == 1).Select(r => (i, r.Sequence)));
            }
        }

        var norms = requests.Select(_ => new List<double>()).ToArray();
        var probe = new GradientNormProbe(model);
        for (int start = 0; start < wanted.Count; start += batchSize)
        {
            var chunk = wanted.Skip(start).Take(batchSize).ToList();
            double[] measured = probe.Measure([.. chunk.Select(c => c.Sequence)], probeTarget);
            for (int j = 0; j < chunk.Count; j++)
            {
                norms[chunk[j].Request].Add(measured[j]);
            }
        }

        return [.. norms.Select(n => n.ToArray())];
    }
}
