using Orleans.GvmRaft.Allocation;

namespace Orleans.GvmRaft.Tests.Allocation;

public sealed class EpochOrderTests
{
    [Theory]
    [InlineData(1L, 1)]
    [InlineData(5L, 2)]
    [InlineData(12L, 4)]
    [InlineData(100L, 7)]
    [InlineData(4097L, 64)]
    public void EveryEpochVisitsEveryPromptOnceInBatchesThatNeverRepeatOne(long size, int batchSize)
    {
        long perEpoch = EpochOrder.BatchesPerEpoch(size, batchSize);
        Assert.Equal((size + batchSize - 1) / batchSize, perEpoch);
        var orders = new List<long[]>();
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var batches = Enumerable.Range((int)(epoch * perEpoch) + 1, (int)perEpoch).Select(t => EpochOrder.Batch(size, batchSize, seed: 42, t)).ToList();
            Assert.All(batches.SkipLast(1), b => Assert.Equal(batchSize, b.Length));
            Assert.Equal(size - ((perEpoch - 1) * batchSize), batches[^1].Length);
            long[] order = [.. batches.SelectMany(b => b)];
            Assert.Equal(Enumerable.Range(0, (int)size).Select(i => (long)i), order.Order());
            Assert.All(batches, b => Assert.Equal(b.Length, b.Distinct().Count()));
            orders.Add(order);
        }

        // Epochs are shuffled afresh: a set of more than a few prompts is not visited in one order twice.
        if (size > 4)
        {
            Assert.NotEqual(orders[0], orders[1]);
            Assert.NotEqual(orders[1], orders[2]);
        }
    }

    [Fact]
    public void TheOrderIsTheSeedsAndAnotherSeedGivesAnother()
    {
        long[] first = EpochOrder.Batch(1000, 50, seed: 1, iteration: 3);
        Assert.Equal(first, EpochOrder.Batch(1000, 50, seed: 1, iteration: 3));
        Assert.NotEqual(first, EpochOrder.Batch(1000, 50, seed: 2, iteration: 3));
        Assert.Equal(0, EpochOrder.EpochOf(1000, 50, 20));
        Assert.Equal(1, EpochOrder.EpochOf(1000, 50, 21));
    }

    [Fact]
    public void PositionsAreShuffledNotShifted()
    {
        // A keyed permutation of 1,000 positions leaves few where they were, and spreads neighbours.
        long[] order = [.. Enumerable.Range(0, 1000).Select(p => EpochOrder.IndexAt(1000, seed: 7, epoch: 0, p))];
        Assert.True(order.Where((index, position) => index == position).Count() < 10);
        double meanGap = order.Zip(order.Skip(1), (a, b) => Math.Abs(a - b)).Average();
        Assert.InRange(meanGap, 200, 470); // a uniform shuffle averages about 333
    }
}
