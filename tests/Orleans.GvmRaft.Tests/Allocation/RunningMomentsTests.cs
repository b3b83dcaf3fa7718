using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Tests.Allocation;

public sealed class RunningMomentsTests
{
    [Fact]
    public void MergedBatchesEqualTheTwoPassStatisticsOfAllValues()
    {
        double[] values = [3.2, 1.1, 4.7, 0.2, 9.9, 2.5, 2.5, 7.0];
        var merged = RunningMoments.Of(values.AsSpan(0, 3))
            .Merge(RunningMoments.Of(values.AsSpan(3, 1)))
            .Merge(RunningMoments.Of([]))
            .Merge(RunningMoments.Of(values.AsSpan(4)));

        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
        Assert.Equal(values.Length, merged.Count);
        Assert.Equal(mean, merged.Mean, 12);
        Assert.Equal(variance, merged.Variance, 10);
    }

    [Fact]
    public void BetaPosteriorFromCounts()
    {
        // 3 of 8 accepted under a Beta(1, 1) prior: Beta(4, 6), mean 0.4, variance 24 / (100 · 11).
        var posterior = AcceptRatePosterior.FromCounts(8, 3);
        Assert.Equal(4, posterior.Alpha);
        Assert.Equal(6, posterior.Beta);
        Assert.Equal(0.4, posterior.Mean, 12);
        Assert.Equal(24.0 / 1100, posterior.Variance, 12);
    }
}
