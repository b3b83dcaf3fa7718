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
    public void WithoutSamplingLogProbsTheRatioIsOneAndTheLossIsTheTokenMeanAdvantage()
    {
        // −Σ min(ρA, clip(ρ)A) / tokens with ρ = 1 (π_old taken from the weights at the step):
        // −1 for A = 1, −2 for A = 2; the NLL before the step is reported beside it.
        using var model = TinyModels.Create(TinyModels.Llama(tied: true));
        using var trainer = new PolicyTrainer(model, new TrainingOptions(LearningRate: 1e-9));
        double nll = NegativeLogLikelihood(model);
        var first = trainer.RaftStep(Batch);
        Assert.Equal(4 + 3 + 2, first.Tokens);
        Assert.Equal(nll, first.Nll, 4);
        Assert.Equal(-1.0, first.Loss, 5);
        Assert.Equal(0.0, first.ClipFraction);
        Assert.Equal(0.0, first.ApproxKl, 6);
        var doubled = trainer.Step([.. Batch.Select(s => new PolicyExample(s, 2.0))]);
        Assert.Equal(-2.0, doubled.Loss, 5);
    }

    [Fact]
    public void LaterMiniBatchesOfAnIterationUseTheSamplingPolicysLogProbsNotTheCurrentWeights()
    {
        // Responses drawn at temperature 0.7 carry the sampler's log-probabilities. The first step
        // sees the weights that drew them: ρ = 1, KL 0 (only if the trainer scores at the same
        // temperature). After one step at a large learning rate the weights have moved, and the
        // second mini-batch's π_old must still be the sampler's: KL > 0 and the clip binds.
        // Recomputing π_old from the current weights before each step would give KL 0 again.
        using var model = TinyModels.Create(TinyModels.Llama(tied: false));
        // Prompts of 1 to 5 tokens, so rows are padded differently and π_old has to land on each
        // row's own response positions for the first step's ratio to be 1.
        int[][] prompts = [.. Enumerable.Range(0, 16).Select(i => Enumerable.Range(0, 1 + (i % 5)).Select(t => 1 + ((i + (3 * t)) % 40)).ToArray())];
        var drawn = new Sampler(model).Generate(prompts, new SamplingOptions(MaxNewTokens: 6, Temperature: 0.7, Seed: 11));
        var examples = prompts.Select((p, i) => new PolicyExample(new ScoredSequence(p, drawn[i].Tokens), 1.0, drawn[i].LogProbs)).ToList();

        using var trainer = new PolicyTrainer(model, new TrainingOptions(LearningRate: 3e-2, MaxGradNorm: 0, Temperature: 0.7));
        var first = trainer.Step(examples[..8]);
        var second = trainer.Step(examples[8..]);
        Assert.True(first.ApproxKl < 1e-6, $"first step KL {first.ApproxKl}");
        Assert.Equal(0.0, first.ClipFraction);
        Assert.True(second.ApproxKl > 1e-3, $"second step KL {second.ApproxKl}");
        Assert.True(second.ClipFraction > 0, $"second step clip fraction {second.ClipFraction}");

        // The same responses scored at another temperature than they were drawn at are off-policy from the start.
        using var other = TinyModels.Create(TinyModels.Llama(tied: false));
        using var unscaled = new PolicyTrainer(other, new TrainingOptions(LearningRate: 1e-9, Temperature: 1.0));
        Assert.True(unscaled.Step(examples[..8]).ApproxKl > 1e-3);
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
