namespace Orleans.GvmRaft.Runs;

/// <summary>
/// The policy a driven run trains: where its model comes from, how prompts are shown to it, how
/// responses are drawn, and how it is updated.
/// </summary>
/// <param name="Preset">
/// Where the task's data comes from: <c>arithmetic</c> (the embedded default: warm-up and
/// held-out problems generated from <paramref name="Seed"/>, and, unless <paramref name="Model"/>
/// names one, the built-in arithmetic decoder freshly initialised), <c>model</c> (a checkpoint
/// directory in <paramref name="Model"/>, held-out and warm-up sets from imported prompt sets), or
/// <c>external</c> (rollouts come from workers outside the cluster, which trains no model).
/// </param>
/// <param name="Seed">Seeds the model, the warm-up, the held-out set, sampling and the batches.</param>
/// <param name="LearningRate">AdamW learning rate of the RL updates.</param>
/// <param name="WarmupSteps">Supervised warm-up steps before RL (for <c>model</c>, only with <paramref name="WarmupSet"/>).</param>
/// <param name="WarmupExamples">Generated worked examples the arithmetic warm-up trains on.</param>
/// <param name="EvalPrompts">Size of the generated arithmetic held-out set.</param>
/// <param name="Temperature">Sampling temperature of the rollouts.</param>
/// <param name="MaxNewTokens">Longest response drawn.</param>
/// <param name="PromptMeanUpdate">Weight accepted responses so every prompt counts equally in a RAFT++ update.</param>
/// <param name="Model">A Hugging Face model directory (config.json, *.safetensors, tokenizer.json, tokenizer_config.json), as the worker silos see it.</param>
/// <param name="PromptFormat"><c>raw</c> (the prompt's text as is) or <c>chat</c> (the model's chat template, a system turn and the prompt as the user turn).</param>
/// <param name="SystemPrompt">The system turn of <c>chat</c> prompts; none when null.</param>
/// <param name="TopP">Nucleus sampling: the smallest set of tokens whose probability reaches p (1 = off).</param>
/// <param name="StopTokens">Tokens (of the model's vocabulary) that end a response, besides the tokenizer's end of sequence.</param>
/// <param name="Device"><c>cpu</c> or <c>cuda</c> (<c>cuda:N</c>), for the trainer and the rollout workers.</param>
/// <param name="DType"><c>float32</c> or <c>bfloat16</c> weights on the workers; the trainer keeps float32 master weights.</param>
/// <param name="MiniBatch">Responses per optimiser step of an update.</param>
/// <param name="GradientAccumulation">Micro-batches a mini-batch is split into, their gradients summed before the step (same update, less memory).</param>
/// <param name="EvalSet">An imported prompt set held out for evaluation (greedy responses scored by each prompt's verifier), for <c>model</c>; no evaluation when null.</param>
/// <param name="ClipEpsilon">PPO's ε of the update: the per-token ratio π_θ / π_old is clipped to [1 − ε, 1 + ε]; null means 0.2.</param>
/// <param name="WarmupSet">An imported prompt set of worked examples (the answer is the response trained on) for a supervised warm-up of <paramref name="WarmupSteps"/> steps, for <c>model</c>.</param>
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
    [property: Id(8)] bool PromptMeanUpdate = false,
    [property: Id(9)] string? Model = null,
    [property: Id(10)] string PromptFormat = PolicySettings.RawFormat,
    [property: Id(11)] string? SystemPrompt = null,
    [property: Id(12)] double TopP = 1.0,
    [property: Id(13)] string[]? StopTokens = null,
    [property: Id(14)] string Device = "cpu",
    [property: Id(15)] string DType = PolicySettings.Float32,
    [property: Id(16)] int MiniBatch = 64,
    [property: Id(17)] int GradientAccumulation = 1,
    [property: Id(18)] string? EvalSet = null,
    [property: Id(19)] string? WarmupSet = null,
    [property: Id(20)] double? ClipEpsilon = null)
{
    /// <summary>The synthetic arithmetic task (on the built-in decoder unless <see cref="Model"/> names another).</summary>
    public const string Arithmetic = "arithmetic";

    /// <summary>A checkpoint directory and prompt files of the team's own.</summary>
    public const string ModelPreset = "model";

    /// <summary>No model in the cluster: external workers draw the rollouts (the demo, the pool benchmark, tests).</summary>
    public const string External = "external";

    /// <summary>The prompt's text as is.</summary>
    public const string RawFormat = "raw";

    /// <summary>The model's chat template.</summary>
    public const string ChatFormat = "chat";

    /// <summary>32-bit floating point weights.</summary>
    public const string Float32 = "float32";

    /// <summary>bfloat16 weights.</summary>
    public const string BFloat16 = "bfloat16";

    /// <summary>Whether the cluster trains a model for this policy (every preset but <c>external</c>).</summary>
    public bool TrainsModel => Preset != External;

    /// <summary>The clip's ε, 0.2 unless set (settings stored before it existed have none).</summary>
    public double ClipEpsilonOrDefault => ClipEpsilon ?? 0.2;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        RunConfig.Require(Preset is Arithmetic or ModelPreset or External, "policy.preset", $"must be '{Arithmetic}', '{ModelPreset}' or '{External}' (got '{Preset}')");
        RunConfig.Require(Preset != ModelPreset || !string.IsNullOrWhiteSpace(Model), "policy.model", $"must name a model directory for preset '{ModelPreset}'");
        RunConfig.Require(Model is null || !string.IsNullOrWhiteSpace(Model), "policy.model", "must not be empty");
        RunConfig.Require(double.IsFinite(LearningRate) && LearningRate > 0, "policy.learningRate", $"must be a finite number > 0 (got {LearningRate})");
        RunConfig.Require(WarmupSteps >= 0, "policy.warmupSteps", $"must be >= 0 (got {WarmupSteps})");
        RunConfig.Require(WarmupExamples >= 1, "policy.warmupExamples", $"must be >= 1 (got {WarmupExamples})");
        RunConfig.Require(EvalPrompts >= 1, "policy.evalPrompts", $"must be >= 1 (got {EvalPrompts})");
        RunConfig.Require(double.IsFinite(Temperature) && Temperature > 0, "policy.temperature", $"must be a finite number > 0 (got {Temperature})");
        RunConfig.Require(MaxNewTokens >= 1, "policy.maxNewTokens", $"must be >= 1 (got {MaxNewTokens})");
        RunConfig.Require(PromptFormat is RawFormat or ChatFormat, "policy.promptFormat", $"must be '{RawFormat}' or '{ChatFormat}' (got '{PromptFormat}')");
        RunConfig.Require(double.IsFinite(TopP) && TopP > 0 && TopP <= 1, "policy.topP", $"must be in (0, 1] (got {TopP})");
        RunConfig.Require(StopTokens is null || StopTokens.All(t => !string.IsNullOrEmpty(t)), "policy.stopTokens", "must not hold an empty token");
        RunConfig.Require(Device == "cpu" || Device.StartsWith("cuda", StringComparison.Ordinal), "policy.device", $"must be 'cpu' or 'cuda' (got '{Device}')");
        RunConfig.Require(DType is Float32 or BFloat16, "policy.dtype", $"must be '{Float32}' or '{BFloat16}' (got '{DType}')");
        RunConfig.Require(MiniBatch >= 1, "policy.miniBatch", $"must be >= 1 (got {MiniBatch})");
        RunConfig.Require(GradientAccumulation >= 1 && GradientAccumulation <= MiniBatch, "policy.gradientAccumulation", $"must be between 1 and miniBatch ({MiniBatch}) (got {GradientAccumulation})");
        RunConfig.Require(EvalSet is null || !string.IsNullOrWhiteSpace(EvalSet), "policy.evalSet", "must not be empty");
        RunConfig.Require(WarmupSet is null || !string.IsNullOrWhiteSpace(WarmupSet), "policy.warmupSet", "must not be empty");
        RunConfig.Require(ClipEpsilon is null || (ClipEpsilon > 0 && ClipEpsilon < 1), "policy.clipEpsilon", $"must be in (0, 1) (got {ClipEpsilon})");
    }

    /// <inheritdoc />
    /// <remarks>By value, stop tokens included (a record compares arrays by reference).</remarks>
    public bool Equals(PolicySettings? other) =>
        other is not null
        && SameScalars(other)
        && (StopTokens ?? []).SequenceEqual(other.StopTokens ?? [], StringComparer.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Preset, Seed, Model, MaxNewTokens);

    private bool SameScalars(PolicySettings other) =>
        Preset == other.Preset && Seed == other.Seed && LearningRate.Equals(other.LearningRate) && WarmupSteps == other.WarmupSteps
        && WarmupExamples == other.WarmupExamples && EvalPrompts == other.EvalPrompts && Temperature.Equals(other.Temperature)
        && MaxNewTokens == other.MaxNewTokens && PromptMeanUpdate == other.PromptMeanUpdate && Model == other.Model
        && PromptFormat == other.PromptFormat && SystemPrompt == other.SystemPrompt && TopP.Equals(other.TopP)
        && Device == other.Device && DType == other.DType && MiniBatch == other.MiniBatch
        && GradientAccumulation == other.GradientAccumulation && EvalSet == other.EvalSet && WarmupSet == other.WarmupSet
        && ClipEpsilonOrDefault.Equals(other.ClipEpsilonOrDefault);
}
