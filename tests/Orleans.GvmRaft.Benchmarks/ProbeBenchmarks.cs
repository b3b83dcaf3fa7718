using BenchmarkDotNet.Attributes;
using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Probe;
using Orleans.GvmRaft.Policy.Sampling;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Benchmarks;

/// <summary>
/// Per-response gradient norms for a batch of 32 responses: the batched exact probe against the
/// reference's method, one backward pass per response (the baseline), on the embedded default's
/// model shape (4 layers, d 128, 4 heads, vocab 32).
/// </summary>
[InProcess]
public class ProbeBenchmarks
{
    private Decoder _model = null!;
    private List<ScoredSequence> _sequences = [];

    /// <summary>A random model and 32 prompt/response pairs of 8 + 16 tokens.</summary>
    [GlobalSetup]
    public void Setup()
    {
        manual_seed(1);
        _model = new Decoder(new DecoderConfig
        {
            VocabSize = 32,
            HiddenSize = 128,
            IntermediateSize = 344,
            Layers = 4,
            Heads = 4,
            KeyValueHeads = 4,
            HeadDim = 32,
        });
        var random = new Random(1);
        _sequences = [.. Enumerable.Range(0, 32).Select(_ => new ScoredSequence(
            [.. Enumerable.Range(0, 8).Select(_ => random.Next(32))],
            [.. Enumerable.Range(0, 16).Select(_ => random.Next(32))]))];
    }

    /// <summary>One backward pass per response, reading the embedding matrix's gradient.</summary>
    [Benchmark(Baseline = true)]
    public double BackwardPerResponse()
    {
        double total = 0;
        foreach (var sequence in _sequences)
        {
            using var scope = NewDisposeScope();
            _model.zero_grad();
            int[] tokens = sequence.Tokens;
            var ids = tensor(tokens.Select(t => (long)t).ToArray(), [1, tokens.Length], ScalarType.Int64);
            var logProbs = _model.Forward(ids).Logits[0].log_softmax(-1);
            var targets = tensor(tokens.Skip(sequence.Prompt.Length).Select(t => (long)t).ToArray());
            var loss = -logProbs.narrow(0, sequence.Prompt.Length - 1, sequence.Response.Length).gather(1, targets.unsqueeze(1)).sum();
            loss.backward();
            total += _model.Trunk.EmbedTokens.weight!.grad!.norm().item<float>();
        }

        return total;
    }

    /// <summary>The batched probe on embed_tokens: one forward, one backward to the activations.</summary>
    [Benchmark]
    public double ProbeEmbedTokens() => new GradientNormProbe(_model).Measure(_sequences, ProbeTarget.EmbedTokens).Sum();

    /// <summary>The batched probe on lm_head: one forward, no backward.</summary>
    [Benchmark]
    public double ProbeLmHead() => new GradientNormProbe(_model).Measure(_sequences, ProbeTarget.LmHead).Sum();
}
