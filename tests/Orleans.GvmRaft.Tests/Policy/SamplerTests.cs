using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Policy.Sampling;
using Orleans.GvmRaft.Policy.Training;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Tests.Policy;

[Collection(TorchCollection.Name)]
public sealed class SamplerTests
{
    private static readonly int[][] Prompts = [[136, 506, 96], [1, 2, 3, 4, 5, 6, 7], [42]];

    [Fact]
    public void TheSameSeedGivesTheSameResponsesAndAnotherSeedOthers()
    {
        using var model = HfCheckpoint.Load(ReferenceFixtures.Folder("qwen2-tiny-noisy"));
        var sampler = new Sampler(model);
        var options = new SamplingOptions(MaxNewTokens: 12, Temperature: 1.0, Seed: 5);
        var first = sampler.Generate(Prompts, options);
        var again = sampler.Generate(Prompts, options);
        var other = sampler.Generate(Prompts, options with { Seed = 6 });
        Assert.Equal(first.Select(g => g.Tokens), again.Select(g => g.Tokens));
        Assert.NotEqual(first.SelectMany(g => g.Tokens), other.SelectMany(g => g.Tokens));
    }

    [Fact]
    public void AResponseDependsOnItsRowSeedNotOnTheRestOfItsBatch()
    {
        using var model = HfCheckpoint.Load(ReferenceFixtures.Folder("qwen2-tiny-noisy"));
        var sampler = new Sampler(model);
        var options = new SamplingOptions(MaxNewTokens: 12, Temperature: 1.0);
        var together = sampler.Generate(Prompts, options, [101UL, 202UL, 303UL]);
        var apart = sampler.Generate([Prompts[2], Prompts[0]], options, [303UL, 101UL]);
        Assert.Equal(together[0].Tokens, apart[1].Tokens);
        Assert.Equal(together[2].Tokens, apart[0].Tokens);
        var reseeded = sampler.Generate([Prompts[0]], options, [102UL]);
        Assert.NotEqual(together[0].Tokens, reseeded[0].Tokens);
    }

    [Fact]
    public void DrawsFollowTheTemperatureScaledDistribution()
    {
        // One token from one prompt in 4,000 rows of distinct streams: each token's share is close
        // to its probability under softmax(logits / T), computed independently from a forward pass.
        using var model = TinyModels.Create(TinyModels.Llama(tied: false));
        int[] prompt = [3, 1, 4];
        const int Rows = 4000;
        var drawn = new Sampler(model).Generate([.. Enumerable.Repeat(prompt, Rows)], new SamplingOptions(MaxNewTokens: 1, Temperature: 0.8), [.. Enumerable.Range(0, Rows).Select(i => (ulong)i * 7919)]);
        using var noGrad = no_grad();
        using var ids = tensor(prompt.Select(t => (long)t).ToArray(), [1, prompt.Length]);
        using var output = model.Forward(ids, ones_like(ids));
        float[] expected = [.. (output.Logits[0, -1] / 0.8).softmax(-1).data<float>()];
        var counts = drawn.GroupBy(g => g.Tokens[0]).ToDictionary(g => g.Key, g => g.Count());
        for (int token = 0; token < expected.Length; token++)
        {
            double share = counts.GetValueOrDefault(token) / (double)Rows;
            double sigma = Math.Sqrt(expected[token] * (1 - expected[token]) / Rows);
            Assert.True(Math.Abs(share - expected[token]) < (5 * sigma) + 1e-3, $"token {token}: drawn {share:F4}, p {expected[token]:F4}");
        }
    }

    [Fact]
    public void ReturnedLogProbsAreThePolicysOwn()
    {
        // Recomputed independently by a full forward pass over prompt + response.
        using var model = HfCheckpoint.Load(ReferenceFixtures.Folder("qwen2-tiny-noisy"));
        var generations = new Sampler(model).Generate(Prompts, new SamplingOptions(MaxNewTokens: 10, Temperature: 1.0, Seed: 9));
        var sequences = Prompts.Select((p, i) => new ScoredSequence(p, generations[i].Tokens)).ToList();
        using var batch = SequenceBatch.Create(sequences, model.Device);
        using var noGrad = no_grad();
        using var logProbs = PolicyTrainer.TokenLogProbs(model, batch);
        for (int i = 0; i < sequences.Count; i++)
        {
            int response = generations[i].Tokens.Length;
            float[] recomputed = [.. logProbs[i].narrow(0, logProbs.shape[1] - response, response).data<float>()];
            float worst = recomputed.Zip(generations[i].LogProbs, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst < 1e-4, $"sequence {i}: max |Δ log π| = {worst}");
        }
    }

    [Fact]
    public void TopKOfOneIsGreedyAndTinyTopPIsGreedy()
    {
        using var model = HfCheckpoint.Load(ReferenceFixtures.Folder("qwen2-tiny"));
        var sampler = new Sampler(model);
        var greedy = sampler.Generate(Prompts, SamplingOptions.Greedy(8));
        var topK = sampler.Generate(Prompts, new SamplingOptions(MaxNewTokens: 8, Temperature: 1.5, TopK: 1, Seed: 3));
        var topP = sampler.Generate(Prompts, new SamplingOptions(MaxNewTokens: 8, Temperature: 1.5, TopP: 1e-6, Seed: 3));
        Assert.Equal(greedy.Select(g => g.Tokens), topK.Select(g => g.Tokens));
        Assert.Equal(greedy.Select(g => g.Tokens), topP.Select(g => g.Tokens));
    }

    [Fact]
    public void GenerationStopsAtEos()
    {
        using var model = HfCheckpoint.Load(ReferenceFixtures.Folder("qwen2-tiny"));
        var sequence = ReferenceFixtures.Sequences("qwen2-tiny")[0];

        // The reference greedy continuation is 51, 378, 303, 233, …: make 303 the stop token.
        var stopped = new Sampler(model).Generate([sequence.InputIds], new SamplingOptions(MaxNewTokens: 16, Temperature: 0, EosTokenIds: [303]))[0];
        Assert.Equal([51, 378, 303], stopped.Tokens);
        Assert.True(stopped.Stopped);
        Assert.False(new Sampler(model).Generate([sequence.InputIds], SamplingOptions.Greedy(4))[0].Stopped);
    }

    [Fact]
    public void BadOptionsAreNamed()
    {
        using var model = HfCheckpoint.Load(ReferenceFixtures.Folder("qwen2-tiny"));
        var e = Assert.Throws<ArgumentException>(() => new Sampler(model).Generate(Prompts, new SamplingOptions(TopP: 0)));
        Assert.Contains("topP", e.Message);
    }
}
