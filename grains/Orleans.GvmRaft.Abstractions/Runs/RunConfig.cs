namespace Orleans.GvmRaft.Runs;

/// <summary>A training run's configuration: the algorithm, the allocator and its parameters, the budget.</summary>
/// <param name="Algorithm">RAFT++ or GRPO.</param>
/// <param name="Allocator">GVM, the uniform baseline, Reinforce-Ada-style rounds, or DAPO-style dynamic sampling (GRPO).</param>
/// <param name="Budget">N, stage-2 samples per iteration across the batch.</param>
/// <param name="BatchSize">B, prompts per iteration.</param>
/// <param name="Stage1Samples">n0, estimation samples per prompt.</param>
/// <param name="Alpha">GVM α.</param>
/// <param name="Beta">GVM β.</param>
/// <param name="FilterThreshold">T, the accept-rate ceiling (0 = off).</param>
/// <param name="FilterInsufficient">K, the insufficient-sample floor (0 = off).</param>
/// <param name="Iterations">How many iterations the run has.</param>
/// <param name="PromptSet">The imported prompt set a driven run draws its batches from.</param>
/// <param name="EvalEvery">A driven run evaluates the policy on its held-out set every this many iterations (and after the last).</param>
/// <param name="Policy">The policy a driven run trains (defaults when null).</param>
/// <param name="Reuse">Stage-1 reuse (off when null).</param>
/// <param name="RoundSamples">Ada: the most one prompt draws in one round.</param>
/// <param name="EnoughAccepted">Ada: k, accepted responses after which a prompt leaves even without a rejected one.</param>
/// <param name="MaxRollouts">The run ends once it has drawn this many rollouts, both stages (0 = only <paramref name="Iterations"/> ends it): how runs whose iterations cost different amounts are compared at equal rollouts.</param>
/// <param name="BatchOrder">How batches are drawn: epochs over the set (the default) or independently. Configurations stored before it existed read as independent, as they ran.</param>
/// <param name="KnapsackMinSamples">Knapsack: min_n, the draws every prompt with a pass rate gets first.</param>
/// <param name="KnapsackMaxSamples">Knapsack: max_n, the most draws one prompt gets in an iteration.</param>
/// <param name="History">gvm-history: the prior's discounts and the least stage-1 draws (defaults when null).</param>
[GenerateSerializer, Immutable]
public sealed record RunConfig(
    [property: Id(0)] TrainingAlgorithm Algorithm = TrainingAlgorithm.RaftPlusPlus,
    [property: Id(1)] AllocatorKind Allocator = AllocatorKind.Gvm,
    [property: Id(2)] int Budget = 256,
    [property: Id(3)] int BatchSize = 32,
    [property: Id(4)] int Stage1Samples = 8,
    [property: Id(5)] double Alpha = 1e-3,
    [property: Id(6)] double Beta = 2.0,
    [property: Id(7)] double FilterThreshold = 0,
    [property: Id(8)] double FilterInsufficient = 0,
    [property: Id(9)] int Iterations = 10,
    [property: Id(10)] string? PromptSet = null,
    [property: Id(11)] int EvalEvery = 5,
    [property: Id(12)] PolicySettings? Policy = null,
    [property: Id(13)] Stage1Reuse? Reuse = null,
    [property: Id(14)] int RoundSamples = 8,
    [property: Id(15)] int EnoughAccepted = 4,
    [property: Id(16)] long MaxRollouts = 0,
    [property: Id(17)] BatchOrder BatchOrder = BatchOrder.Epochs,
    [property: Id(18)] int KnapsackMinSamples = 2,
    [property: Id(19)] int KnapsackMaxSamples = 64,
    [property: Id(20)] HistorySettings? History = null)
{
    /// <summary>The policy settings, defaults filled in.</summary>
    public PolicySettings PolicyOrDefault => Policy ?? new PolicySettings();

    /// <summary>gvm-history's settings, defaults filled in.</summary>
    public HistorySettings HistoryOrDefault => History ?? new HistorySettings();

    /// <summary>The stage-1 reuse settings; off when none were given.</summary>
    public Stage1Reuse ReuseOrDefault => Reuse ?? new Stage1Reuse();

    /// <summary>Whether a run that finished <paramref name="iterations"/> iterations and drew <paramref name="rollouts"/> rollouts is done.</summary>
    public bool IsComplete(int iterations, long rollouts) =>
        iterations >= Iterations || (MaxRollouts > 0 && rollouts >= MaxRollouts);

    /// <summary>
    /// N for a batch of <paramref name="prompts"/> out of a full batch of <paramref name="fullBatch"/>
    /// (B, or the whole set when it holds fewer): the budget, except for an epoch's short last batch,
    /// whose budget shrinks with it (rounded half to even), so every visit of a prompt costs the same.
    /// </summary>
    public int BudgetFor(int prompts, int fullBatch) =>
        BatchOrder == BatchOrder.Epochs && prompts < fullBatch
            ? (int)Math.Round((double)Budget * prompts / fullBatch, MidpointRounding.ToEven)
            : Budget;

    /// <summary>Throws <see cref="ArgumentException"/> with a message that names the first invalid setting.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Algorithm))
        {
            throw new ArgumentException($"algorithm: unknown value {(int)Algorithm}.");
        }

        if (!Enum.IsDefined(Allocator))
        {
            throw new ArgumentException($"allocator: unknown value {(int)Allocator}.");
        }

        if (!Enum.IsDefined(BatchOrder))
        {
            throw new ArgumentException($"batchOrder: unknown value {(int)BatchOrder}.");
        }

        Require(Budget >= 0, "budget", $"must be >= 0 (got {Budget})");
        Require(BatchSize >= 1, "batchSize", $"must be >= 1 (got {BatchSize})");
        Require(Stage1Samples >= 1, "stage1Samples", $"must be >= 1 (got {Stage1Samples})");
        Require(double.IsFinite(Alpha) && Alpha >= 0, "alpha", $"must be a finite number >= 0 (got {Alpha})");
        Require(double.IsFinite(Beta), "beta", $"must be a finite number (got {Beta})");
        Require(
            double.IsFinite(FilterThreshold) && FilterThreshold >= 0 && FilterThreshold <= 1,
            "filterThreshold",
            $"must be in [0, 1], 0 meaning off (got {FilterThreshold})");
        Require(
            double.IsFinite(FilterInsufficient) && FilterInsufficient >= 0,
            "filterInsufficient",
            $"must be a finite number >= 0, 0 meaning off (got {FilterInsufficient})");
        Require(Iterations >= 1, "iterations", $"must be >= 1 (got {Iterations})");
        Require(PromptSet is null || !string.IsNullOrWhiteSpace(PromptSet), "promptSet", "must not be empty");
        Require(EvalEvery >= 1, "evalEvery", $"must be >= 1 (got {EvalEvery})");
        Require(RoundSamples >= 1, "roundSamples", $"must be >= 1 (got {RoundSamples})");
        Require(EnoughAccepted >= 1, "enoughAccepted", $"must be >= 1 (got {EnoughAccepted})");
        Require(Allocator != AllocatorKind.Knapsack || KnapsackMinSamples >= 1, "knapsackMinSamples", $"must be >= 1 (got {KnapsackMinSamples})");
        Require(Allocator != AllocatorKind.Knapsack || KnapsackMaxSamples >= KnapsackMinSamples, "knapsackMaxSamples", $"must be >= knapsackMinSamples ({KnapsackMinSamples}) (got {KnapsackMaxSamples})");
        Require(MaxRollouts >= 0, "maxRollouts", $"must be >= 0, 0 meaning no limit (got {MaxRollouts})");
        Require(
            Allocator != AllocatorKind.Dapo || Algorithm == TrainingAlgorithm.Grpo,
            "allocator",
            "dapo drops groups whose rewards are all equal, which only GRPO's group advantages make useless: use it with algorithm grpo");
        PolicyOrDefault.Validate();
        ReuseOrDefault.Validate();
        if (Allocator == AllocatorKind.GvmHistory || History is not null)
        {
            HistoryOrDefault.Validate(Stage1Samples);
        }
        Require(
            ReuseOrDefault.Samples < Stage1Samples,
            "stage1Reuse.samples",
            $"must be below stage1Samples ({Stage1Samples}) to shrink stage 1 (got {ReuseOrDefault.Samples})");
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="setting"/> unless <paramref name="condition"/> holds.</summary>
    internal static void Require(bool condition, string setting, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"run configuration: {setting} {message}.");
        }
    }
}
