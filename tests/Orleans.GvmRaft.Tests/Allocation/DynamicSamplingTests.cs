using Orleans.GvmRaft.Allocation;

namespace Orleans.GvmRaft.Tests.Allocation;

public sealed class DynamicSamplingTests
{
    [Theory]
    [InlineData(8, 0, false)]
    [InlineData(8, 8, false)]
    [InlineData(8, 1, true)]
    [InlineData(8, 7, true)]
    [InlineData(0, 0, false)]
    public void OnlyGroupsWithDifferentRewardsAreInformative(int drawn, int accepted, bool informative) =>
        Assert.Equal(informative, DynamicSampling.IsInformative(drawn, accepted));

    [Theory]
    [InlineData(40, 64, 512, 8, 1000, 24)] // 24 groups missing, budget for 64
    [InlineData(10, 64, 100, 8, 1000, 12)] // 54 missing, budget for 12 (100 / 8)
    [InlineData(10, 64, 512, 8, 5, 5)] // only 5 prompts of the set left outside the batch
    [InlineData(64, 64, 512, 8, 1000, 0)] // the batch is full of informative groups
    [InlineData(70, 64, 512, 8, 1000, 0)]
    [InlineData(0, 64, 7, 8, 1000, 0)] // not enough budget for one group
    public void RefillsTheMissingGroupsWithinBudgetAndSet(int informative, int target, int remaining, int groupSize, int available, int expected) =>
        Assert.Equal(expected, DynamicSampling.RefillCount(informative, target, remaining, groupSize, available));
}
