using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Worker.Training;

namespace Orleans.GvmRaft.Tests.Train;

public sealed class UpdateExamplesTests
{
    // Prompt A: stage 1 drew [3] accepted, [4] rejected; stage 2 drew [5], [6] accepted. Prompt B:
    // one accepted response [8] of two.
    private static readonly RolloutResponses[] Responses =
    [
        new("r/1/Estimate/A", "A", [1, 2], [[3], [4]], [1, 0]),
        new("r/1/Sample/A", "A", [1, 2], [[5], [6]], [1, 1]),
        new("r/1/Estimate/B", "B", [7], [[8], [9]], [1, 0]),
    ];

    [Fact]
    public void RaftTrainsOnEveryAcceptedResponseOfBothStages()
    {
        var examples = UpdateExamples.Build(TrainingAlgorithm.RaftPlusPlus, Responses, promptMean: false);
        Assert.Equal([[3], [5], [6], [8]], examples.Select(e => e.Sequence.Response));
        Assert.All(examples, e => Assert.Equal(1.0, e.Advantage));
    }

    [Fact]
    public void PromptMeanWeightsGiveEveryPromptTheSameTotalAndAverageOne()
    {
        // A has 3 accepted responses, B one: 4 over 2 prompts, scale 2, so A's each weigh 2/3 and
        // B's weighs 2; both prompts total 2, the mean weight is 1.
        var examples = UpdateExamples.Build(TrainingAlgorithm.RaftPlusPlus, Responses, promptMean: true);
        Assert.Equal([2.0 / 3, 2.0 / 3, 2.0 / 3, 2.0], examples.Select(e => e.Advantage), new ToleranceComparer());
    }

    [Fact]
    public void GrpoNormalisesWithinEachPromptAcrossStages()
    {
        // A's group is rewards [1, 0, 1, 1]: mean 0.75, unbiased std 0.5, so the accepted get
        // 0.25/0.5 = 0.5 and the rejected −1.5. B's [1, 0]: mean 0.5, std √0.5 ≈ 0.7071.
        var examples = UpdateExamples.Build(TrainingAlgorithm.Grpo, Responses, promptMean: false);
        double b = 0.5 / Math.Sqrt(0.5);
        Assert.Equal([0.5, -1.5, 0.5, 0.5, b, -b], examples.Select(e => e.Advantage), new ToleranceComparer(1e-5));
    }

    private sealed class ToleranceComparer(double tolerance = 1e-12) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
