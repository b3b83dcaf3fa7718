using Orleans.GvmRaft.Allocation;

namespace Orleans.GvmRaft.Tests.Allocation;

public sealed class GresoFilterTests
{
    [Fact]
    public void AStreakOfAllCorrectOrAllWrongEpochsIsSkippedWithProbabilityOneMinusPToTheCount()
    {
        // Easy streak of 2 (the last two epochs all correct): 1 − 0.5² = 0.75.
        Assert.Equal(0.75, GresoFilter.SkipProbability([0.3, 1.0, 0.99], pEasy: 0.5, pHard: 0.9), 12);

        // Hard streak of 3 at p_hard 0.6: 1 − 0.216.
        Assert.Equal(1 - 0.216, GresoFilter.SkipProbability([0.0, 0.1, 0.05], pEasy: 0.5, pHard: 0.6), 12);

        // A long streak stops at keeping 1 %.
        Assert.Equal(0.99, GresoFilter.SkipProbability([.. Enumerable.Repeat(1.0, 12)], pEasy: 0.5, pHard: 0.5), 12);

        // A mixed last epoch, or no trace, is never skipped.
        Assert.Equal(0.0, GresoFilter.SkipProbability([1.0, 1.0, 0.5], 0.5, 0.5));
        Assert.Equal(0.0, GresoFilter.SkipProbability([], 0.5, 0.5));
    }

    [Fact]
    public void BaseProbabilitiesStepAgainstTheirTargetsWithinBounds()
    {
        // All-wrong share at or above 1/6: skip more (p_hard down); below: up.
        Assert.Equal(0.49, GresoFilter.Adjust(0.5, share: 0.2, GresoFilter.HardTarget), 12);
        Assert.Equal(0.51, GresoFilter.Adjust(0.5, share: 0.1, GresoFilter.HardTarget), 12);
        Assert.Equal(0.05, GresoFilter.Adjust(0.05, share: 0.9, GresoFilter.EasyTarget), 12);
        Assert.Equal(0.95, GresoFilter.Adjust(0.95, share: 0.0, GresoFilter.EasyTarget), 12);
        Assert.Equal(0.25 * 2 / 3, GresoFilter.HardTarget, 12);
        Assert.Equal(0.25 / 3, GresoFilter.EasyTarget, 12);
    }
}
