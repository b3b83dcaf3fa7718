using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Embedded.Train;

/// <summary>
/// A way of spending the rollout budget, by name, as <c>train --allocator</c> and
/// <c>experiment --arms</c> take it: each arm is a set of run settings over the same preset.
/// </summary>
/// <param name="Name">What the command line calls it.</param>
/// <param name="Description">One line for help texts and reports.</param>
/// <param name="Apply">Turns the preset's settings into the arm's.</param>
public sealed record AllocatorArm(string Name, string Description, Func<TrainSettings, TrainSettings> Apply)
{
    /// <summary>
    /// Prompts per chunk of the chunk arms: the reference allocates over a whole data chunk. An
    /// evaluation inside a chunk counts all of the chunk's rollouts, so 128 prompts (2,048 rollouts
    /// at n0 = 8 and N / B = 8) is the largest chunk that resolves rollouts-to-target to 2,048.
    /// </summary>
    public const int ChunkPrompts = 128;

    /// <summary>
    /// The main job's arm: GVM on each prompt's persisted statistics, the arm with the best paired
    /// speed-up over uniform under the epoch protocol (docs/results.md: 1.29× [0.93, 1.61], 5/5
    /// seeds at the target).
    /// </summary>
    public const string MainJob = "gvm-history";

    /// <summary>
    /// gvm-history with other runs' statistics of the same lineage as its prior. In an experiment it
    /// runs right after the seed's <c>gvm-history</c> run, whose rollouts the report adds to its cost.
    /// </summary>
    public const string LineageArm = "gvm-history-lineage";

    private static readonly RunConfig Defaults = new();

    /// <summary>Every arm, in the order reports list them.</summary>
    public static IReadOnlyList<AllocatorArm> All { get; } =
    [
        new("uniform", "RAFT++, the same N / B stage-2 samples for every prompt", s => s with { Allocator = AllocatorKind.Uniform }),
        new("uniform-chunk", $"RAFT++, uniform over a chunk of {ChunkPrompts} prompts, then the update steps through it in mini-batches", s => Chunk(s, AllocatorKind.Uniform)),
        new("gvm", "RAFT++, GVM allocation over each batch of B prompts", s => s with { Allocator = AllocatorKind.Gvm }),
        new("gvm-chunk", $"RAFT++, GVM allocation over a chunk of {ChunkPrompts} prompts, then the update steps through it in mini-batches", s => Chunk(s, AllocatorKind.Gvm)),
        new("knapsack", "RAFT++, Knapsack RL: no stage 1 once a prompt has a pass rate from its previous epoch; the whole n0·B + N by the knapsack rule", s => s with { Allocator = AllocatorKind.Knapsack }),
        new("greso", "RAFT++, uniform draws with GRESO's pre-rollout skip of prompts on an all-correct or all-wrong streak of epochs", s => s with { Allocator = AllocatorKind.Greso }),
        new("gvm-history", "RAFT++, GVM on each prompt's persisted p and G from this run as a prior discounted per policy version, stage 1 drawing only what the prior lacks", s => s with
        {
            Allocator = AllocatorKind.GvmHistory,
            History = new HistorySettings(OtherRunDiscount: 0),
        }),
        new(LineageArm, "RAFT++, gvm-history that also starts from the statistics earlier runs of the same lineage (the same warm-up) left", s => s with
        {
            Allocator = AllocatorKind.GvmHistory,
            History = new HistorySettings(),
        }),
        new("ada", $"RAFT++, online rounds of {Defaults.RoundSamples} draws until a prompt has an accepted and a rejected response or {Defaults.EnoughAccepted} accepted", s => s with { Allocator = AllocatorKind.Ada }),
        new("dapo", "GRPO, groups of n0 + N / B; groups with equal rewards dropped and refilled with fresh prompts from a budget of N", s => s with
        {
            Algorithm = TrainingAlgorithm.Grpo,
            Allocator = AllocatorKind.Dapo,
            Stage1Samples = s.Stage1Samples + (s.Budget / s.BatchSize),
        }),
    ];

    /// <summary>Every arm's name, comma-separated.</summary>
    public static string Names => string.Join(", ", All.Select(a => a.Name));

    /// <summary>The arm called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No arm has that name.</exception>
    public static AllocatorArm Parse(string name) =>
        All.FirstOrDefault(a => string.Equals(a.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown allocator '{name}': use one of {Names}.");

    /// <summary>
    /// This arm's settings from <paramref name="settings"/>, except that a value the user gave
    /// explicitly (non-null here) is what runs: the chunk arms rescale only the defaults, never a
    /// flag (<c>--allocator gvm-chunk --iterations 3</c> runs 3 iterations of 128 prompts).
    /// </summary>
    public TrainSettings ApplyKeeping(TrainSettings settings, int? iterations = null, int? batchSize = null, int? budget = null, int? evalEvery = null)
    {
        var armed = Apply(settings);
        return armed with
        {
            Iterations = iterations ?? armed.Iterations,
            BatchSize = batchSize ?? armed.BatchSize,
            Budget = budget ?? armed.Budget,
            EvalEvery = evalEvery ?? armed.EvalEvery,
        };
    }

    // The reference's iteration: B = K prompts, N scaled with it, and as many fewer iterations, so
    // the same rollouts are drawn; the update already steps through its examples in mini-batches.
    private static TrainSettings Chunk(TrainSettings s, AllocatorKind allocator)
    {
        int factor = Math.Max(1, ChunkPrompts / s.BatchSize);
        return s with
        {
            Allocator = allocator,
            BatchSize = s.BatchSize * factor,
            Budget = s.Budget * factor,
            Iterations = Math.Max(1, s.Iterations / factor),
            EvalEvery = 1,
        };
    }
}
