using System.Text.Json.Serialization;
using Orleans.GvmRaft.Client.Runs;

namespace Orleans.GvmRaft.Embedded.Train;

/// <summary>One run of an experiment, as <c>experiment --json</c> prints it.</summary>
/// <param name="Arm">The allocator arm.</param>
/// <param name="Seed">The seed (problems, warm-up, sampling, batches).</param>
/// <param name="StartAccuracy">Held-out accuracy when RL begins (after the warm-up).</param>
/// <param name="FinalAccuracy">Held-out accuracy after the last iteration.</param>
/// <param name="BestAccuracy">The highest held-out accuracy of any evaluation.</param>
/// <param name="RolloutsToTarget">Cumulative rollouts (both stages) at the first evaluation at or above the target; null when none was.</param>
/// <param name="Rollouts">Rollouts the run drew in all.</param>
/// <param name="Iterations">Iterations it ran.</param>
/// <param name="Stage1Rollouts">Of <paramref name="Rollouts"/>, those drawn in stage 1.</param>
/// <param name="Stage2Rollouts">Of <paramref name="Rollouts"/>, those drawn in stage 2.</param>
/// <param name="PromptsSkipped">(prompt, iteration) pairs of the batches drawn for in neither stage.</param>
/// <param name="FromHistory">(prompt, iteration) pairs allocated from an estimate the run had before the iteration.</param>
public sealed record ExperimentRun(
    string Arm,
    int Seed,
    double StartAccuracy,
    double FinalAccuracy,
    double BestAccuracy,
    long? RolloutsToTarget,
    long Rollouts,
    int Iterations,
    long Stage1Rollouts = 0,
    long Stage2Rollouts = 0,
    long PromptsSkipped = 0,
    long FromHistory = 0)
{
    /// <summary>The run's evaluations: (iteration, cumulative rollouts, accuracy), the start included.</summary>
    [JsonIgnore]
    public IReadOnlyList<(int Iteration, long Rollouts, double Accuracy)> Curve { get; init; } = [];

    /// <summary>Summarises a run's metrics (the first line is the start, before RL).</summary>
    public static ExperimentRun From(string arm, int seed, IReadOnlyList<IterationMetrics> metrics, double target)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var evaluated = metrics.Where(m => m.EvalAccuracy is not null).Select(m => (m.Iteration, m.Samples, Accuracy: m.EvalAccuracy!.Value)).ToList();
        if (evaluated.Count == 0 || metrics[0].EvalAccuracy is null)
        {
            throw new ArgumentException($"run {arm} seed {seed} has no held-out evaluation before RL.", nameof(metrics));
        }

        return new ExperimentRun(
            arm,
            seed,
            evaluated[0].Accuracy,
            evaluated[^1].Accuracy,
            evaluated.Max(e => e.Accuracy),
            evaluated.Where(e => e.Accuracy >= target).Select(e => (long?)e.Samples).FirstOrDefault(),
            metrics[^1].Samples,
            metrics[^1].Iteration,
            metrics.Sum(m => m.Stage1Rollouts),
            metrics[^1].Samples - metrics.Sum(m => m.Stage1Rollouts),
            metrics.Sum(m => (long)m.PromptsSkipped),
            metrics.Sum(m => (long)m.FromHistory))
        {
            Curve = evaluated,
        };
    }
}
