using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Sampling;
using Orleans.GvmRaft.Policy.Training;
using Orleans.GvmRaft.Tests.Policy;

namespace Orleans.GvmRaft.Tests.Checkpoints;

[Collection(TorchCollection.Name)]
public sealed class OptimizerResumeTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"gvm-resume-{Guid.NewGuid():N}");

    [Fact]
    public void ATrainerReloadedFromItsCheckpointStepsExactlyAsOneThatNeverStopped()
    {
        // Uninterrupted: two steps.
        using var straight = TinyModels.Create(TinyModels.Llama(tied: false), seed: 5);
        using (var trainer = new PolicyTrainer(straight, Options))
        {
            trainer.Step(Batch(0));
            trainer.Step(Batch(1));
        }

        // Interrupted after one step: weights and optimiser state saved, both reloaded into new objects.
        using (var first = TinyModels.Create(TinyModels.Llama(tied: false), seed: 5))
        using (var trainer = new PolicyTrainer(first, Options))
        {
            trainer.Step(Batch(0));
            HfCheckpoint.Save(first, _folder);
            trainer.SaveOptimizer(Path.Combine(_folder, "optimizer.bin"));
        }

        using var resumed = HfCheckpoint.Load(_folder);
        using (var trainer = new PolicyTrainer(resumed, Options))
        {
            trainer.LoadOptimizer(Path.Combine(_folder, "optimizer.bin"));
            trainer.Step(Batch(1));
        }

        Assert.Equal(0, MaxDifference(straight, resumed));

        // Without the optimiser state the second step differs: the check above can fail.
        using var fresh = HfCheckpoint.Load(_folder);
        using (var trainer = new PolicyTrainer(fresh, Options))
        {
            trainer.Step(Batch(1));
        }

        Assert.True(MaxDifference(straight, fresh) > 1e-4, $"difference {MaxDifference(straight, fresh)}");
    }

    [Fact]
    public void GradientAccumulationMakesTheStepOfTheWholeMiniBatch()
    {
        using var whole = TinyModels.Create(TinyModels.Llama(tied: false), seed: 6);
        using var accumulated = TinyModels.Create(TinyModels.Llama(tied: false), seed: 6);
        using (var a = new PolicyTrainer(whole, Options))
        using (var b = new PolicyTrainer(accumulated, Options))
        {
            var wholeMetrics = a.Step(Batch(2));
            var accumulatedMetrics = b.Step(Batch(2), microBatches: 3);
            Assert.Equal(wholeMetrics.Nll, accumulatedMetrics.Nll, 4);
            Assert.Equal(wholeMetrics.GradNorm, accumulatedMetrics.GradNorm, 4);
        }

        double difference = MaxDifference(whole, accumulated);
        Assert.True(difference < 1e-5, $"difference {difference}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static TrainingOptions Options => new(LearningRate: 1e-2, MaxGradNorm: 1.0);

    // Responses of different lengths, so micro-batches hold different token counts.
    private static List<PolicyExample> Batch(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, 6).Select(i => new PolicyExample(
            new ScoredSequence([.. Enumerable.Range(0, 3 + (i % 2)).Select(_ => random.Next(3, 48))], [.. Enumerable.Range(0, 1 + i).Select(_ => random.Next(3, 48))]),
            i % 3 == 0 ? 1.0 : 0.5))];
    }

    private static double MaxDifference(Decoder a, Decoder b) =>
        a.parameters().Zip(b.parameters()).Max(p => (p.First - p.Second).abs().max().item<float>());
}
