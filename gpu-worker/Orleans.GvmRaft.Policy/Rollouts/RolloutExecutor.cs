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
    /// <summary>Executes <paramref name="requests"/>; <paramref name="seed"/> makes the draw reproducible.</summary>
    public IReadOnlyList<RolloutOutcome> Execute(IReadOnlyList<RolloutRequest> requests, ulong seed)
    {
        var flat = requests.SelectMany((r, i) => Enumerable.Repeat(i, r.Count)).ToArray();
        var prompts = requests.Select(r => tokenizer.PromptIds(r.Prompt)).ToArray();

        // The run's stop tokens and the tokenizer's end of sequence both end a response.
        int[] stops = [.. (sampling.EosTokenIds ?? []).Concat(tokenizer.EosId is int eos ? [eos] : []).Distinct()];
        var options = sampling with { EosTokenIds = stops };

        // A batch is left-padded to its longest prompt, so draws are batched shortest prompt first:
        // one long prompt then pads only the batch of other long ones. OrderBy is stable, so equal
        // lengths keep request order and the same requests and seed give the same batches.
        int[] order = [.. Enumerable.Range(0, flat.Length).OrderBy(k => prompts[flat[k]].Length)];
        var generations = new Generation[flat.Length];
        var sampler = new Sampler(model);
        for (int start = 0; start < order.Length; start += batchSize)
        {
            int[] chunk = order[start..Math.Min(start + batchSize, order.Length)];
            var drawn = sampler.Generate([.. chunk.Select(k => prompts[flat[k]])], options with { Seed = seed + (ulong)start });
            for (int j = 0; j < chunk.Length; j++)
            {
                generations[chunk[j]] = drawn[j];
            }
        }

        var responses = requests.Select(_ => new List<(ScoredSequence, int)>()).ToArray();
        for (int k = 0; k < flat.Length; k++)
        {
            var request = requests[flat[k]];
            var tokens = generations[k].Tokens;
            string text = tokenizer.Decode(tokens);
            int reward = Verifier.For(request.Verifier).Score(text, request.Answer);

            // An empty response still needs a token to score; the stop token stands in.
            int[] response = tokens.Length > 0 ? tokens : [tokenizer.EosId ?? 0];
            responses[flat[k]].Add((new ScoredSequence(prompts[flat[k]], response), reward));
        }

        var norms = MeasureAccepted(requests, responses);
        return [.. requests.Select((_, i) => new RolloutOutcome(responses[i], norms[i]))];
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
