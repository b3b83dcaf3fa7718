using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Tests.Prompts;

public sealed class Stage1PlannerTests
{
    private static Stage1Request Request(long version, double discount = 0.9, string? lineage = "L1") =>
        new("run-b", lineage, Iteration: 10, version, FullDraws: 8, new HistorySettings(Discount: discount, MinDraws: 2, OtherRunDiscount: 0.5));

    [Fact]
    public void APriorKVersionsOldCountsLambdaToTheKOfItsSamplesAndStage1DrawsWhatItLacks()
    {
        // 10 draws, 4 accepted, at version 2; asked at version 5 with λ = 0.5: weight 0.125, 1.25
        // effective samples, 0.5 accepted; 8 − ⌊1.25⌋ = 7 draws.
        PromptVisit[] visits = [new("run-b", 3, 2, 10, 4, "L1")];
        var plan = Stage1Planner.Plan(visits, null, Request(5, discount: 0.5));
        Assert.Equal((7, 1.25, 0.5, false), (plan.Draws, plan.PriorSamples, plan.PriorAccepted, plan.FromOtherRun));

        // 40 draws one version ago at λ = 0.9: 36 effective samples, more than n0: the least, 2 draws.
        var confident = Stage1Planner.Plan([new("run-b", 4, 4, 40, 20, "L1")], null, Request(5));
        Assert.Equal(2, confident.Draws);
        Assert.Equal(36, confident.PriorSamples, 9);
    }

    [Fact]
    public void TheGradientNormPriorIsTheLatestEstimateOfTheSameRunDiscountedByItsOwnAge()
    {
        var estimate = new PromptEstimate("run-b", 4, 4, 8, 3, new RunningMoments(10, 2.0, 0));
        var plan = Stage1Planner.Plan([new("run-b", 4, 4, 40, 20, "L1")], estimate, Request(5));
        Assert.Equal(2.0, plan.PriorGradNorm);
        Assert.Equal(9.0, plan.PriorGradCount, 9);

        // Combined with this iteration's 2 draws (1 accepted, norm 4): p = (18 + 1) / (36 + 2) = 0.5,
        // G = (2 · 9 + 4 · 1) / 10 = 2.2.
        var (p, g) = plan.Combine(new PromptEstimate("run-b", 6, 5, 2, 1, new RunningMoments(1, 4.0, 0)));
        Assert.Equal(0.5, p, 12);
        Assert.Equal(2.2, g, 12);

        // No prior: the fresh estimate alone; no draws either: the prior alone.
        var none = Stage1Planner.Plan([], estimate, Request(5));
        Assert.Equal(8, none.Draws);
        Assert.Equal((0.25, 3.0), none.Combine(new PromptEstimate("run-b", 6, 5, 8, 2, new RunningMoments(2, 3.0, 0))));
        Assert.Equal((0.5, 2.0), plan.Combine(null));
    }

    [Fact]
    public void AnotherRunsStatisticsCountOnlyUnderTheSameLineageAndWithTheOtherRunDiscount()
    {
        // Run a, same lineage: 20 draws count 0.5 · 0.9^1 = 0.45 each at this run's version 1: 9 samples.
        PromptVisit[] visits = [new("run-a", 7, 6, 20, 5, "L1")];
        var shared = Stage1Planner.Plan(visits, null, Request(1));
        Assert.True(shared.FromOtherRun);
        Assert.Equal(9, shared.PriorSamples, 9);
        Assert.Equal(2, shared.Draws);

        // Another lineage, or a run that does not know its own: refused, a full stage 1.
        Assert.Equal((8, 0.0), (Stage1Planner.Plan([visits[0] with { Lineage = "L2" }], null, Request(1)).Draws, 0.0));
        Assert.Equal(0.0, Stage1Planner.Plan([visits[0] with { Lineage = "L2" }], null, Request(1)).PriorSamples);
        Assert.Equal(8, Stage1Planner.Plan(visits, null, Request(1, lineage: null)).Draws);

        // The run's own visit wins over another run's, however recent that one.
        PromptVisit[] both = [new("run-b", 1, 0, 4, 2, "L1"), new("run-a", 9, 8, 40, 10, "L1")];
        Assert.False(Stage1Planner.Plan(both, null, Request(1)).FromOtherRun);
    }
}
