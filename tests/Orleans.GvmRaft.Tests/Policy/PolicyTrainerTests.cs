using Orleans.GvmRaft.Policy.Sampling;
using Orleans.GvmRaft.Policy.Training;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Tests.Policy;

[Collection(TorchCollection.Name)]
public sealed class PolicyTrainerTests
{
    private static readonly List<ScoredSequence> Batch =
    [
        new([1, 2, 3], [4, 5, 6, 7]),
        new([8, 9], [10, 11, 12]),
        new([3, 1, 4, 1], [5, 9]),
    ];

    [Fact]
    public void RaftStepsFitAFixedBatch()
    {
        using var model = TinyModels.Create(TinyModels.Llama(tied: false));
        using var trainer = new PolicyTrainer(model, new TrainingOptions(LearningRate: 1e-2, MaxGradNorm: 1.0));
        double before = NegativeLogLikelihood(model);
        for (int i = 0; i < 30; i++)
        {
            trainer.RaftStep(Batch);
        }

        double after = NegativeLogLikelihood(model);
        Assert.True(after < 0.25 * before, $"token-mean NLL {before:F3} → {after:F3}");
    }

    [Fact]
    public void TheLossIsTheAdvantageWeightedTokenMeanNegativeLogLikelihood()
    {
        // −Σ A · log π / tokens: with A = 1 it is the batch's NLL before the step, with A = 2 twice that.
        using var model = TinyModels.Create(TinyModels.Llama(tied: true));
        using var trainer = new PolicyTrainer(model, new TrainingOptions(LearningRate: 1e-9));
        double nll = NegativeLogLikelihood(model);
        var first = trainer.RaftStep(Batch);
        Assert.Equal(4 + 3 + 2, first.Tokens);
        Assert.Equal(nll, first.Nll, 4);
        Assert.Equal(nll, first.Loss, 4);
        var doubled = trainer.Step([.. Batch.Select(s => new PolicyExample(s, 2.0))]);
        Assert.Equal(2 * NegativeLogLikelihood(model), doubled.Loss, 3);
    }

    [Fact]
    public void ANegativeAdvantagePushesTheResponsesDown()
    {
        using var model = TinyModels.Create(TinyModels.Llama(tied: false));
        using var trainer = new PolicyTrainer(model, new TrainingOptions(LearningRate: 1e-2));
        double before = NegativeLogLikelihood(model);
        for (int i = 0; i < 5; i++)
        {
            trainer.Step([.. Batch.Select(s => new PolicyExample(s, -1.0))]);
        }

        Assert.True(NegativeLogLikelihood(model) > before, $"token-mean NLL {before:F3} → {NegativeLogLikelihood(model):F3}");
    }

    [Fact]
    public void AGrpoGroupWithIdenticalRewardsContributesNoGradient()
    {
        using var model = TinyModels.Create(TinyModels.Llama(tied: false));
        double[] advantages = GroupAdvantages.Compute([1.0, 1.0, 1.0]);
        Assert.All(advantages, a => Assert.Equal(0.0, a));

        using var trainer = new PolicyTrainer(model, new TrainingOptions(LearningRate: 1e-2));
        var metrics = trainer.Step([.. Batch.Select((s, i) => new PolicyExample(s, advantages[i]))]);
        Assert.Equal(0.0, metrics.GradNorm);
    }

    [Fact]
    public void GroupAdvantagesAreNormalisedWithTheUnbiasedStd()
    {
        // Rewards 1, 0, 0, 1: mean 0.5, unbiased std sqrt(4 · 0.25 / 3) = 0.57735 → ±0.866.
        double[] a = GroupAdvantages.Compute([1, 0, 0, 1]);
        Assert.Equal([0.8660239, -0.8660239, -0.8660239, 0.8660239], a.Select(x => Math.Round(x, 7)));
        Assert.Equal([0.0], GroupAdvantages.Compute([1]));
    }

    private static double NegativeLogLikelihood(Orleans.GvmRaft.Policy.Model.Decoder model)
    {
        using var scope = NewDisposeScope();
        using var batch = SequenceBatch.Create(Batch, model.Device);
        using var noGrad = no_grad();
        var logProbs = PolicyTrainer.TokenLogProbs(model, batch);
        return -(logProbs * batch.ResponseTargets).sum().item<float>() / batch.ResponseTargets.sum().item<float>();
    }
}
