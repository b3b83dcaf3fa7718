using Orleans.GvmRaft.Allocation;

namespace Orleans.GvmRaft.Tests.Allocation;

public sealed class KnapsackAllocatorTests
{
    [Fact]
    public void TheValueOfMoreSamplesIsTheChanceOfAMixedGroupTimesPTimesOneMinusPSquared()
    {
        // p = 0.5, min 2, k = 1: (1 − 0.5³ − 0.5³) · 0.5 · 0.25 = 0.75 · 0.125.
        Assert.Equal(0.75 * 0.125, KnapsackAllocator.Value(0.5, 1, 2), 12);
        Assert.Equal(0.0, KnapsackAllocator.Value(0.5, 0, 2));
        Assert.Equal(0.0, KnapsackAllocator.Value(1.0, 5, 2));
    }

    [Fact]
    public void EveryPromptGetsMinFirstAndTheRestGoesWhereTheKnapsackValueIsHighest()
    {
        // Budget 12 over p = {0, 1, 0.5, 0.9}: 2 each first (8), 4 left for the two mixed prompts.
        // By hand, value(k) for p = 0.5: k=1 0.09375, k=2 0.109375, k=3 0.1171875, k=4 0.12109375;
        // for p = 0.9: 0.9 · 0.01 · (1 − 0.9^(k+2) − 0.1^(k+2)): k=1 0.002430, k=2 0.003086, k=3 0.003676, k=4 0.004217.
        // Splits of 4: (4,0) 0.121094, (3,1) 0.119618, (2,2) 0.112461, (1,3) 0.097426, (0,4) 0.004217 → all 4 to p = 0.5.
        int[] samples = KnapsackAllocator.Allocate([0.0, 1.0, 0.5, 0.9], budget: 12, minSamples: 2, maxSamples: 16);
        Assert.Equal([2, 2, 6, 2], samples);
    }

    [Fact]
    public void TheCapSendsTheRestToTheNextBestAndWhatNoneCanTakeIsSpreadOverThem()
    {
        // Max 4 per prompt: p = 0.5 takes 2 more, p = 0.9 takes 2 more, 4 left that the caps refuse,
        // spread evenly over the two mixed prompts past their cap, as the reference's solver does
        // (the budget is spent, not saved); the sum is the budget exactly.
        int[] samples = KnapsackAllocator.Allocate([0.0, 0.5, 0.9], budget: 14, minSamples: 2, maxSamples: 4);
        Assert.Equal(14, samples.Sum());
        Assert.Equal([2, 6, 6], samples);
    }

    [Fact]
    public void WithNoMixedPromptTheRestGoesToTheUnsolvedOnes()
    {
        int[] samples = KnapsackAllocator.Allocate([0.0, 1.0, 0.0, 1.0], budget: 20, minSamples: 2, maxSamples: 8);
        Assert.Equal([8, 2, 8, 2], samples);
        Assert.Equal([5, 5], KnapsackAllocator.Allocate([1.0, 1.0], budget: 10, minSamples: 2, maxSamples: 8));
    }

    [Fact]
    public void SumsAlwaysMatchTheBudgetAndCapsHoldWhereTheBudgetAllows()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 200; trial++)
        {
            double[] rates = [.. Enumerable.Range(0, random.Next(1, 40)).Select(_ => random.Next(4) == 0 ? random.Next(2) : Math.Round(random.NextDouble(), 3))];
            int budget = random.Next(0, 600);
            int[] samples = KnapsackAllocator.Allocate(rates, budget, minSamples: 2, maxSamples: 24);
            Assert.Equal(budget, samples.Sum());
            Assert.All(samples, n => Assert.True(n >= 0));
            if (budget >= 2 * rates.Length && rates.Any(p => p > 0 && p < 1) && budget <= 24 * rates.Count(p => p > 0 && p < 1))
            {
                Assert.All(rates.Zip(samples).Where(x => x.First > 0 && x.First < 1), x => Assert.InRange(x.Second, 2, 24));
            }
        }
    }

    [Fact]
    public void BadInputIsRefused()
    {
        Assert.Throws<ArgumentException>(() => KnapsackAllocator.Allocate([1.5], 10, 2, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => KnapsackAllocator.Allocate([0.5], 10, 4, 2));
    }
}
