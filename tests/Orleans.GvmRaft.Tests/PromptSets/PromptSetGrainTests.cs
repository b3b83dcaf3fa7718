using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.PromptSets;

namespace Orleans.GvmRaft.Tests.PromptSets;

[Collection(ClusterCollection.Name)]
public sealed class PromptSetGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task IdsSpanShardsAndSamplesAreDistinctMembers()
    {
        string name = $"set-{Guid.NewGuid():N}";
        var set = fixture.Client.GetGrain<IPromptSetGrain>(name);
        var ids = Enumerable.Range(0, PromptSetLayout.ShardSize + 100).Select(i => $"{name}-{i}").ToArray();
        Assert.Equal(1000, await set.AppendAsync(ids[..1000]));
        Assert.Equal(ids.Length, await set.AppendAsync(ids[1000..]));

        // The last ids landed in the second shard, in order.
        var second = fixture.Client.GetGrain<IPromptSetShardGrain>(PromptSetLayout.ShardKey(name, 1));
        Assert.Equal(ids[^100..], await second.GetAsync([.. Enumerable.Range(0, 100)]));

        string[] sample = await set.SampleAsync(500, seed: 3);
        Assert.Equal(500, sample.Distinct().Count());
        Assert.All(sample, id => Assert.Contains(id, ids));
        Assert.Equal(sample, await set.SampleAsync(500, seed: 3));
        Assert.NotEqual(sample, await set.SampleAsync(500, seed: 4));
        await Assert.ThrowsAsync<ArgumentException>(() => set.SampleAsync(ids.Length + 1, seed: 1));
    }

    [Fact]
    public void FloydSamplingIsDistinctAndCoversTheRange()
    {
        var random = new Random(11);
        var counts = new int[20];
        for (int trial = 0; trial < 20_000; trial++)
        {
            long[] picks = PromptSetGrain.SampleIndices(20, 5, random);
            Assert.Equal(5, picks.Distinct().Count());
            foreach (long p in picks)
            {
                counts[p]++;
            }
        }

        // Each index is drawn with probability 5/20: 5,000 expected per index, sd ≈ 61.
        Assert.All(counts, c => Assert.InRange(c, 5000 - 300, 5000 + 300));
    }

    [Fact]
    public async Task APromptJoinsASetOnce()
    {
        string id = $"join-{Guid.NewGuid():N}";
        var prompt = fixture.Client.GetGrain<IPromptGrain>(id);
        await Assert.ThrowsAsync<InvalidOperationException>(() => prompt.JoinSetAsync("s"));
        await prompt.DefineAsync(new PromptDefinition(id, "1+1=", "2", VerifierKinds.Exact));
        Assert.True(await prompt.JoinSetAsync("s"));
        Assert.False(await prompt.JoinSetAsync("s"));
        Assert.True(await prompt.JoinSetAsync("t"));
        await Assert.ThrowsAsync<ArgumentException>(() => prompt.JoinSetAsync("a/b"));
    }
}
