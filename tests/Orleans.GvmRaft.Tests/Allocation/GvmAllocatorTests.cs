using Orleans.GvmRaft.Allocation;

namespace Orleans.GvmRaft.Tests.Allocation;

public sealed class GvmAllocatorTests
{
    [Fact]
    public void WeightMatchesTheFormulaWorkedByHand()
    {
        // 2 / sqrt(0.5 + 0.001 / 0.5) = 2 / sqrt(0.502) = 2 / 0.7085196 = 2.8227872...
        Assert.Equal(2.82278718, GvmAllocator.Weight(0.5, 2.0, 1e-3, 2.0), 7);

        // β = 3: 1 / sqrt(0.25 + 0.001 / 0.0625) = 1 / sqrt(0.266) = 1.9389168...
        Assert.Equal(1.93891683, GvmAllocator.Weight(0.25, 1.0, 1e-3, 3.0), 7);
        Assert.Equal(0, GvmAllocator.Weight(0, 5.0, 1e-3, 2.0));
        Assert.Equal(0, GvmAllocator.Weight(0.3, 0, 1e-3, 2.0));
    }

    [Fact]
    public void AllocatesProportionallyWhenTheRatiosAreExact()
    {
        // Equal p, G = 1 : 3 : 0 → weights 1 : 3 : 0 of N = 8 → 2, 6, 0.
        var result = GvmAllocator.Allocate([0.5, 0.5, 0.5], [1, 3, 0], 8, GvmAllocationOptions.Default);
        Assert.Equal([2, 6, 0], result.Samples);
        Assert.Equal(AllocationOutcome.Weighted, result.Outcome);
    }

    [Fact]
    public void RepairsAShortfallAlongTheLargestResiduals()
    {
        // Three equal weights, N = 10: scaled 3.33 each, rounded 3 each, one short; all residuals tie,
        // so the first prompt gets it.
        var result = GvmAllocator.Allocate([0.5, 0.5, 0.5], [1, 1, 1], 10, GvmAllocationOptions.Default);
        Assert.Equal([4, 3, 3], result.Samples);
    }

    [Fact]
    public void RoundsHalfToEvenThenRepairsAnExcessAlongTheSmallestResiduals()
    {
        // Weights 1 : 1 : 2 of N = 6 → scaled 1.5, 1.5, 3: half-to-even gives 2, 2, 3 (sum 7, one over).
        // Residuals −0.5, −0.5, 0: the first of the two smallest gives one back.
        var result = GvmAllocator.Allocate([0.5, 0.5, 0.5], [1, 1, 2], 6, GvmAllocationOptions.Default);
        Assert.Equal([1, 2, 3], result.Samples);
    }

    [Fact]
    public void RoundsHalfToEvenDownward()
    {
        // Weights 1 : 1 : 2 of N = 10 → 2.5, 2.5, 5 → half-to-even 2, 2, 5 (one short), residuals 0.5, 0.5, 0.
        var result = GvmAllocator.Allocate([0.5, 0.5, 0.5], [1, 1, 2], 10, GvmAllocationOptions.Default);
        Assert.Equal([3, 2, 5], result.Samples);
    }

    [Fact]
    public void AcceptRateCeilingZeroesEasyPromptsAndRenormalises()
    {
        // p = 0.9 is above T = 0.8 and drops out; the two left share N = 10 by weight.
        // w(0.5, 1) = 1/sqrt(0.502), w(0.25, 1) = 1/sqrt(0.254): ratios 0.41567 : 0.58433 → 4.16, 5.84 → 4, 6.
        var options = GvmAllocationOptions.Default with { AcceptRateCeiling = 0.8 };
        var result = GvmAllocator.Allocate([0.9, 0.5, 0.25], [1, 1, 1], 10, options);
        Assert.Equal([0, 4, 6], result.Samples);
    }

    [Fact]
    public void InsufficientFloorReadsTheFirstNormalisation()
    {
        // w = G / sqrt(0.5 + 0.002) for both; G = 1 and 9 → r = 0.1, 0.9 before the filter.
        // With N = 10 and K = 1: p · r · N = 0.5 for the first (< 1, dropped), 4.5 for the second.
        var options = GvmAllocationOptions.Default with { InsufficientFloor = 1 };
        var result = GvmAllocator.Allocate([0.5, 0.5], [1, 9], 10, options);
        Assert.Equal([0, 10], result.Samples);
    }

    [Fact]
    public void AllWeightsZeroFallsBackToUniform()
    {
        // Every prompt unsolved or without a gradient: no weight to follow, so the budget is spread evenly.
        var result = GvmAllocator.Allocate([0, 0.5, 0], [1, 0, 0], 10, GvmAllocationOptions.Default);
        Assert.Equal([4, 3, 3], result.Samples);
        Assert.Equal(AllocationOutcome.UniformFallback, result.Outcome);
    }

    [Fact]
    public void FiltersThatRemoveEveryPromptFallBackToUniform()
    {
        var options = GvmAllocationOptions.Default with { AcceptRateCeiling = 0.5 };
        var result = GvmAllocator.Allocate([0.75, 1.0], [1, 1], 5, options);
        Assert.Equal([3, 2], result.Samples);
        Assert.Equal(AllocationOutcome.UniformFallback, result.Outcome);
    }

    [Fact]
    public void ZeroBudgetGivesZeros()
    {
        var result = GvmAllocator.Allocate([0.5, 0.25], [1, 2], 0, GvmAllocationOptions.Default);
        Assert.Equal([0, 0], result.Samples);
    }

    [Fact]
    public void OnePromptGetsTheWholeBudget()
    {
        Assert.Equal([37], GvmAllocator.Allocate([0.3], [2], 37, GvmAllocationOptions.Default).Samples);
        Assert.Equal([37], GvmAllocator.Allocate([0], [0], 37, GvmAllocationOptions.Default).Samples);
    }

    [Fact]
    public void EveryPromptSolvedAllocatesByGradientNormAlone()
    {
        // p = 1 everywhere: the denominator is sqrt(1 + α) for all, so n ∝ G: 1 : 2 : 5 of 16 → 2, 4, 10.
        var result = GvmAllocator.Allocate([1, 1, 1], [1, 2, 5], 16, GvmAllocationOptions.Default);
        Assert.Equal([2, 4, 10], result.Samples);
    }

    [Fact]
    public void EmptyBatchGivesEmptyAllocation()
    {
        Assert.Empty(GvmAllocator.Allocate([], [], 10, GvmAllocationOptions.Default).Samples);
    }

    [Theory]
    [InlineData(-0.1, 1.0)]
    [InlineData(1.5, 1.0)]
    [InlineData(double.NaN, 1.0)]
    [InlineData(0.5, -1.0)]
    [InlineData(0.5, double.NaN)]
    [InlineData(0.5, double.PositiveInfinity)]
    public void RefusesStatisticsOutOfRange(double p, double g)
    {
        var e = Assert.Throws<ArgumentException>(() => GvmAllocator.Allocate([0.5, p], [1, g], 10, GvmAllocationOptions.Default));
        Assert.Contains("prompt 1", e.Message);
    }

    [Fact]
    public void RefusesANegativeBudgetAndBadOptions()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GvmAllocator.Allocate([0.5], [1], -1, GvmAllocationOptions.Default));
        var e = Assert.Throws<ArgumentException>(() => GvmAllocator.Allocate([0.5], [1], 1, new GvmAllocationOptions(Alpha: -1)));
        Assert.Contains("alpha", e.Message);
    }

    [Fact]
    public void UniformSpreadsTheRemainderOverTheFirstPrompts()
    {
        Assert.Equal([3, 3, 2, 2], UniformAllocator.Allocate(4, 10).Samples);
        Assert.Equal([2, 2, 2, 2], UniformAllocator.Allocate(4, 8).Samples);
        Assert.Empty(UniformAllocator.Allocate(0, 8).Samples);
    }
}
