using Orleans.GvmRaft.Client.Train;
using Orleans.GvmRaft.Policy.Sampling;

namespace Orleans.GvmRaft.Tests.Train;

public sealed class UpdateWeightingTests
{
    [Fact]
    public void PromptMeanWeightsGiveEveryPromptTheSameTotalAndAverageOne()
    {
        // Prompt A has 3 accepted responses, prompt B one: 4 responses over 2 prompts, scale 2,
        // so A's each weigh 2/3 and B's weighs 2; both prompts total 2, the mean weight is 1.
        List<ScoredSequence> accepted = [new([1, 2], [3]), new([1, 2], [4]), new([1, 2], [5]), new([7], [8])];
        var weighted = TrainingDriver.Weigh(accepted, promptMean: true);
        Assert.Equal([2.0 / 3, 2.0 / 3, 2.0 / 3, 2.0], weighted.Select(e => e.Advantage), new ToleranceComparer());
        Assert.All(TrainingDriver.Weigh(accepted, promptMean: false), e => Assert.Equal(1.0, e.Advantage));
    }

    private sealed class ToleranceComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-12;

        public int GetHashCode(double obj) => 0;
    }
}
