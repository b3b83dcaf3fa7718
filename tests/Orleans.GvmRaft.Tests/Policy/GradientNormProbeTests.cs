using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Probe;
using Orleans.GvmRaft.Policy.Sampling;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Tests.Policy;

/// <summary>The batched probe against one autograd backward pass per response (the reference's method).</summary>
[Collection(TorchCollection.Name)]
public sealed class GradientNormProbeTests
{
    public static TheoryData<string, ProbeTarget> Cases => new()
    {
        { "fixture", ProbeTarget.EmbedTokens },
        { "fixture", ProbeTarget.LmHead },
        { "tied", ProbeTarget.EmbedTokens },
        { "tied", ProbeTarget.LmHead },
        { "untied", ProbeTarget.EmbedTokens },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesOneBackwardPassPerResponse(string modelKind, ProbeTarget target)
    {
        using var model = modelKind == "fixture"
            ? HfCheckpoint.Load(ReferenceFixtures.Folder("qwen2-tiny-noisy"))
            : TinyModels.Create(TinyModels.Llama(tied: modelKind == "tied"));
        var sequences = RandomSequences(model.Config.VocabSize, count: 6, seed: 3);

        double[] batched = new GradientNormProbe(model).Measure(sequences, target);
        for (int i = 0; i < sequences.Count; i++)
        {
            double reference = BackwardNorm(model, sequences[i], target);
            double relative = Math.Abs(batched[i] - reference) / reference;
            Assert.True(relative < 1e-4, $"{modelKind}/{target} sequence {i}: probe {batched[i]} vs autograd {reference} (rel {relative:E2})");
        }
    }

    // Repeated tokens inside a response make the embedding gradient rows collide, the case the
    // [x_t = x_u] term exists for; different lengths exercise the left padding.
    private static List<ScoredSequence> RandomSequences(int vocab, int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i => new ScoredSequence(
            [.. Enumerable.Range(0, 3 + random.Next(6)).Select(_ => random.Next(vocab))],
            [.. Enumerable.Range(0, 2 + random.Next(7)).Select(_ => random.Next(Math.Min(vocab, 6)))]))];
    }

    private static double BackwardNorm(Decoder model, ScoredSequence sequence, ProbeTarget target)
    {
        using var scope = NewDisposeScope();
        model.zero_grad();
        int[] tokens = sequence.Tokens;
        var ids = tensor(tokens.Select(t => (long)t).ToArray(), [1, tokens.Length], ScalarType.Int64);
        var logProbs = model.Forward(ids).Logits[0].log_softmax(-1);
        var loss = zeros(1);
        for (int t = sequence.Prompt.Length; t < tokens.Length; t++)
        {
            loss = loss - logProbs[t - 1, tokens[t]];
        }

        loss.backward();
        var weight = target == ProbeTarget.EmbedTokens ? model.Trunk.EmbedTokens.weight! : model.OutputWeight;
        double norm = weight.grad!.to_type(ScalarType.Float64).norm().item<double>();
        model.zero_grad();
        return norm;
    }
}
