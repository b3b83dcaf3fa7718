using Orleans.GvmRaft.Policy.Training;

namespace Orleans.GvmRaft.Worker.Presets;

/// <summary>What a run's trainer trains and evaluates on besides the rollouts: the warm-up examples and the held-out set (prompts unformatted).</summary>
/// <param name="Warmup">Worked examples: prompt text and the response to learn.</param>
/// <param name="WarmupSteps">Supervised steps on them.</param>
/// <param name="WarmupLearningRate">The warm-up's learning rate.</param>
/// <param name="WarmupBatch">Examples per warm-up step.</param>
/// <param name="Eval">Held-out problems; none means no evaluation.</param>
public sealed record PolicyTaskData(
    IReadOnlyList<(string Prompt, string Answer)> Warmup,
    int WarmupSteps,
    double WarmupLearningRate,
    int WarmupBatch,
    IReadOnlyList<EvalProblem> Eval);
