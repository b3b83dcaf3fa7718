using CsCheck;
using Orleans.GvmRaft.Index;

namespace Orleans.GvmRaft.Tests.Index;

public sealed class PromptIndexTests
{
    [Fact]
    public void MergingShardTopsEqualsRankingEverything()
    {
        var entry = Gen.Select(Gen.Int[0, 50], Gen.Int[0, 20], Gen.Double[0, 1], Gen.Long[0, 100])
            .Select((id, n, p, s) => new PromptIndexEntry($"p{id}", 1, n, p, p * 3, s));
        Gen.Select(entry.Array[0, 60], Gen.Int[1, 12], Gen.Enum<PromptRanking>()).Sample((entries, k, by) =>
        {
            var distinct = entries.DistinctBy(e => e.PromptId).ToList();
            var shards = distinct.GroupBy(e => PromptIndex.ShardOf(e.PromptId))
                .Select(g =>
                {
                    var list = g.ToList();
                    list.Sort(PromptIndexEntry.Descending(by));
                    return list.Take(k).ToArray();
                });
            var all = distinct.ToList();
            all.Sort(PromptIndexEntry.Descending(by));
            Assert.Equal(all.Take(k), PromptIndex.Merge(shards, by, k));
        });
    }

    [Fact]
    public void ShardsAreStableAndSpread()
    {
        // FNV-1a of "a" is 0xE40C292C; 3826002220 mod 16 = 12.
        Assert.Equal(12, PromptIndex.ShardOf("a"));
        var used = Enumerable.Range(0, 1000).Select(i => PromptIndex.ShardOf($"prompt-{i}")).Distinct().Count();
        Assert.Equal(PromptIndex.Shards, used);
    }
}
