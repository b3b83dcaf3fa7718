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
