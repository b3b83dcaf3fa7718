namespace Orleans.GvmRaft.Embedded.Bench;

/// <summary>What <c>gvm-embedded bench overhead</c> measured; <c>--json</c> prints it as it is (camelCase).</summary>
/// <param name="Storage">Where the system kept grain state.</param>
/// <param name="Iterations">Iterations timed on each path.</param>
/// <param name="Cores">Processors of this machine.</param>
/// <param name="Arm">The allocator arm of the runs.</param>
/// <param name="BatchSize">B.</param>
/// <param name="Budget">N.</param>
/// <param name="SystemSecondsPerIteration">Mean wall time of an iteration through the system.</param>
/// <param name="BareSecondsPerIteration">Mean wall time of an iteration of the bare loop.</param>
/// <param name="SystemOverBare">The first over the second.</param>
/// <param name="System">The system's mean iteration, split.</param>
/// <param name="Bare">The bare loop's mean iteration, split.</param>
/// <param name="SystemRollouts">Responses the system drew.</param>
/// <param name="BareRollouts">Responses the bare loop drew.</param>
/// <param name="SystemCompute">The system's model work per iteration, seconds by part (generate, load_sampler, train, evaluate, publish, load_trainer).</param>
/// <param name="BareCompute">The bare loop's model work per iteration, seconds by part (generate, train, evaluate).</param>
/// <param name="SystemIterationSeconds">Each iteration of the system.</param>
/// <param name="BareIterationSeconds">Each iteration of the bare loop.</param>
public sealed record OverheadResult(
    string Storage,
    int Iterations,
    int Cores,
    string Arm,
    int BatchSize,
    int Budget,
    double SystemSecondsPerIteration,
    double BareSecondsPerIteration,
    double SystemOverBare,
    PhaseSplit System,
    PhaseSplit Bare,
    long SystemRollouts,
    long BareRollouts,
    IReadOnlyDictionary<string, double> SystemCompute,
    IReadOnlyDictionary<string, double> BareCompute,
    IReadOnlyList<double> SystemIterationSeconds,
    IReadOnlyList<double> BareIterationSeconds);
