using Orleans.GvmRaft.Client.Runs;
using Orleans.GvmRaft.Embedded.Train;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Tests.Train;

public sealed class ExperimentSummaryTests
{
    [Fact]
    public void SummariesAverageSeedsAndFindTheFirstEvaluationAtTheTarget()
    {
        static IterationMetrics M(int iteration, long samples, double? accuracy) => new(iteration, samples, 0, accuracy, 0, 0, 0);
        IReadOnlyList<IterationMetrics> gvm1 = [M(0, 0, 0.2), M(1, 100, null), M(2, 200, 0.35), M(3, 300, 0.5)];
        IReadOnlyList<IterationMetrics> gvm2 = [M(0, 0, 0.1), M(1, 100, null), M(2, 200, 0.25), M(3, 300, 0.3)];
        IReadOnlyList<IterationMetrics> uniform = [M(0, 0, 0.2), M(1, 100, null), M(2, 200, 0.22), M(3, 300, 0.28)];
        var summaries = ExperimentCommand.Summarise(
            [(AllocatorKind.Gvm, 1, gvm1), (AllocatorKind.Gvm, 2, gvm2), (AllocatorKind.Uniform, 1, uniform)], target: 0.3);

        var g = summaries.Single(s => s.Allocator == "Gvm");
        Assert.Equal([1, 2], g.Seeds);
        Assert.Equal(0.15, g.InitialAccuracy, 12);
        Assert.Equal(0.4, g.FinalAccuracy, 12);
        Assert.Equal([200L, 300L], g.SamplesToTarget);
        var u = summaries.Single(s => s.Allocator == "Uniform");
        Assert.Equal([(long?)null], u.SamplesToTarget);
        Assert.Equal(0.28, u.FinalAccuracy, 12);
    }
}
