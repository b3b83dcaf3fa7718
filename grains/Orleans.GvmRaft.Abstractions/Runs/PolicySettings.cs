namespace Orleans.GvmRaft.Runs;

/// <summary>The policy a driven run trains: a preset (task, tokenizer and model), its warm-up, sampling and update.</summary>
/// <param name="Preset">The task and model: <c>arithmetic</c> (the embedded default), or <c>external</c>: rollouts come from workers outside the cluster that claim from the run's queue, and the cluster trains no model (each update only makes the next version number).</param>
/// <param name="Seed">Seeds the model, the warm-up, the held-out set, sampling and the batches.</param>
/// <param name="LearningRate">AdamW learning rate of the RL updates.</param>
/// <param name="WarmupSteps">Supervised warm-up steps before RL.</param>
/// <param name="WarmupExamples">Worked examples the warm-up trains on.</param>
/// <param name="EvalPrompts">Size of the held-out set evaluated every <see cref="RunConfig.EvalEvery"/> iterations.</param>
/// <param name="Temperature">Sampling temperature of the rollouts.</param>
/// <param name="MaxNewTokens">Longest response drawn.</param>
/// <param name="PromptMeanUpdate">Weight accepted responses so every prompt counts equally in a RAFT++ update.</param>
[GenerateSerializer, Immutable]
public sealed record PolicySettings(
    [property: Id(0)] string Preset = PolicySettings.Arithmetic,
    [property: Id(1)] int Seed = 1,
    [property: Id(2)] double LearningRate = 3e-4,
    [property: Id(3)] int WarmupSteps = 1500,
    [property: Id(4)] int WarmupExamples = 3000,
    [property: Id(5)] int EvalPrompts = 240,
    [property: Id(6)] double Temperature = 1.0,
    [property: Id(7)] int MaxNewTokens = 8,
    [property: Id(8)] bool PromptMeanUpdate = false)
{
    /// <summary>The synthetic arithmetic task on a tiny character-level decoder.</summary>
    public const string Arithmetic = "arithmetic";

    /// <summary>No model in the cluster: external workers draw the rollouts (the demo, the pool benchmark, tests).</summary>
    public const string External = "external";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        RunConfig.Require(Preset is Arithmetic or External, "policy.preset", $"must be '{Arithmetic}' or '{External}' (got '{Preset}')");
        RunConfig.Require(double.IsFinite(LearningRate) && LearningRate > 0, "policy.learningRate", $"must be a finite number > 0 (got {LearningRate})");
        RunConfig.Require(WarmupSteps >= 0, "policy.warmupSteps", $"must be >= 0 (got {WarmupSteps})");
        RunConfig.Require(WarmupExamples >= 1, "policy.warmupExamples", $"must be >= 1 (got {WarmupExamples})");
        RunConfig.Require(EvalPrompts >= 1, "policy.evalPrompts", $"must be >= 1 (got {EvalPrompts})");
        RunConfig.Require(double.IsFinite(Temperature) && Temperature > 0, "policy.temperature", $"must be a finite number > 0 (got {Temperature})");
        RunConfig.Require(MaxNewTokens >= 1, "policy.maxNewTokens", $"must be >= 1 (got {MaxNewTokens})");
    }
}
