using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Probe;
using Orleans.GvmRaft.Policy.Sampling;
using Orleans.GvmRaft.Policy.Text;
using Orleans.GvmRaft.Policy.Verifiers;

namespace Orleans.GvmRaft.Policy.Rollouts;

/// <summary>
/// What a worker does with rollout work: draw the responses of many requests in shared batches,
/// verify each, and measure the gradient norms of accepted ones where asked, in batches too.
/// </summary>
public sealed class RolloutExecutor(Decoder model, ITextTokenizer tokenizer, SamplingOptions sampling, ProbeTarget probeTarget, int batchSize = 256)
{
    /// <summary>Executes <paramref name="requests"/>; <paramref name="seed"/> makes the draw reproducible.</summary>
    public IReadOnlyList<RolloutOutcome> Execute(IReadOnlyList<RolloutRequest> requests, ulong seed)
    {
        var flat = requests.SelectMany((r, i) => Enumerable.Repeat(i, r.Count)).ToArray();
        var prompts = requests.Select(r => tokenizer.PromptIds(r.Prompt)).ToArray();
        var generations = new List<Generation>(flat.Length);
        var options = sampling with { EosTokenIds = tokenizer.EosId is int eos ? [eos] : sampling.EosTokenIds };
        for (int start = 0; start < flat.Length; start += batchSize)
        {
            var chunk = flat.Skip(start).Take(batchSize).Select(i => prompts[i]).ToList();
            generations.AddRange(new Sampler(model).Generate(chunk, options with { Seed = seed + (ulong)start }));
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
