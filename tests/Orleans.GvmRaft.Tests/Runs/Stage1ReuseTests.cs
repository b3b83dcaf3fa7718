using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Tests.Runs;

public sealed class Stage1ReuseTests
{
    private static PromptEstimate Estimate(long version, int samples, int accepted) =>
        new("run", 1, version, samples, accepted, default);

    [Fact]
    public void IntervalWidthIsTheNormalApproximationOfTheBetaPosterior()
    {
        // 40 of 100 accepted: Beta(41, 61), mean 41/102, variance 41·61 / (102² · 103).
        double sd = Math.Sqrt(41.0 * 61 / (102.0 * 102 * 103));
        Assert.Equal(2 * 1.959963984540054 * sd, Stage1Reuse.IntervalWidth(100, 40), 12);

        // 0 of 8: Beta(1, 9), mean 0.1, sd ≈ 0.0905; the lower end is clipped at 0.
        double sd0 = Math.Sqrt(9.0 / (100 * 11));
        Assert.Equal(0.1 + (1.959963984540054 * sd0), Stage1Reuse.IntervalWidth(8, 0), 12);
    }

    [Fact]
    public void AnEstimateIsReusedOnlyWhenRecentAndConfident()
    {
        var reuse = new Stage1Reuse(MaxPolicyLag: 2, MaxInterval: 0.25, Samples: 0);

        // 100 samples at p = 0.4 give a width of about 0.19 < 0.25: reusable while at most 2 versions old.
        Assert.True(reuse.CanReuse(Estimate(8, 100, 40), "run", currentVersion: 10));
        Assert.False(reuse.CanReuse(Estimate(7, 100, 40), "run", currentVersion: 10));

        // 8 samples at p = 0.5 give a width of about 0.59: not confident.
        Assert.False(reuse.CanReuse(Estimate(10, 8, 4), "run", currentVersion: 10));
        Assert.False(reuse.CanReuse(null, "run", currentVersion: 10));

        // Another run's estimate is another policy's, whatever its version number.
        Assert.False(reuse.CanReuse(Estimate(10, 100, 40), "other-run", currentVersion: 10));

        // Off by default.
        Assert.False(new Stage1Reuse().CanReuse(Estimate(10, 1000, 500), "run", currentVersion: 10));
    }
}
