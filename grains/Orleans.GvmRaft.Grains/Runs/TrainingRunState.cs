namespace Orleans.GvmRaft.Runs;

/// <summary>What a training-run grain persists.</summary>
[GenerateSerializer]
public sealed class TrainingRunState
{
    /// <summary>Null until the run is created.</summary>
    [Id(0)]
    public RunConfig? Config { get; set; }

    /// <summary>When the run was created.</summary>
    [Id(1)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The stage-2 plan of the latest iteration, made once: a repeated step finds it.</summary>
    [Id(3)]
    public IterationAllocation? LastAllocation { get; set; }

    /// <summary>
    /// The summaries of the most recent finished iterations (<c>Gvm:Coordinator:RecentIterations</c>);
    /// every summary is also in its page of the run's history (<see cref="IRunHistoryGrain"/>).
    /// </summary>
    [Id(4)]
    public List<IterationSummary> History { get; set; } = [];

    /// <summary>The run was started: it drives its own iterations.</summary>
    [Id(5)]
    public bool Driven { get; set; }

    /// <summary>Paused by the user.</summary>
    [Id(6)]
    public bool Paused { get; set; }

    /// <summary>Iterations finished, update included.</summary>
    [Id(7)]
    public int FinishedIterations { get; set; }

    /// <summary>The step of the iteration in progress.</summary>
    [Id(8)]
    public IterationStep Step { get; set; }

    /// <summary>The batch of the iteration in progress.</summary>
    [Id(9)]
    public string[]? Batch { get; set; }

    /// <summary>Stage-1 draws per prompt of the batch (n0, or fewer under stage-1 reuse).</summary>
    [Id(10)]
    public int[]? Stage1Counts { get; set; }

    /// <summary>The policy version rollouts are drawn with.</summary>
    [Id(11)]
    public long PolicyVersion { get; set; }

    /// <summary>The trainer prepared version 0.</summary>
    [Id(12)]
    public bool Prepared { get; set; }

    /// <summary>Held-out accuracy of version 0.</summary>
    [Id(13)]
    public double? InitialAccuracy { get; set; }

    /// <summary>Cumulative rollouts.</summary>
    [Id(14)]
    public long Samples { get; set; }

    /// <summary>Seconds the run has been driving, summed across pauses and restarts.</summary>
    [Id(15)]
    public double Seconds { get; set; }

    /// <summary>Why the run stopped for good, when it did.</summary>
    [Id(16)]
    public string? Failure { get; set; }

    /// <summary>The stage-2 round in progress (1 for a one-shot allocation; Ada and DAPO draw several).</summary>
    [Id(17)]
    public int Round { get; set; }

    /// <summary>Draws per prompt of the batch in the round in progress (the plan's own counts in round 1 of a one-shot allocation).</summary>
    [Id(18)]
    public int[]? RoundSamples { get; set; }

    /// <summary>
    /// Every summary of <see cref="History"/> is in its history page. False in state written before
    /// the pages existed, when the history held every iteration: such a run copies it to the pages
    /// once, when it is next activated.
    /// </summary>
    [Id(19)]
    public bool HistoryArchived { get; set; }

    /// <summary>
    /// Written by a version whose steps queue a stage's work before they store the move to it, so
    /// a run at a stage has its work queued. State of the earlier version (false: it stored the
    /// move first and queued on its next tick) queues the stage's work again when activated.
    /// </summary>
    [Id(20)]
    public bool QueuesBeforeMoving { get; set; }

    /// <summary>GRESO's p_easy, the base probability of keeping an all-correct prompt; null until the first GRESO step (then 0.5).</summary>
    [Id(21)]
    public double? GresoEasy { get; set; }

    /// <summary>GRESO's p_hard, the base probability of keeping an all-wrong prompt; null until the first GRESO step (then 0.5).</summary>
    [Id(22)]
    public double? GresoHard { get; set; }

    /// <summary>The hash of the run's version 0, its policy lineage: stamped on the statistics its draws leave.</summary>
    [Id(23)]
    public string? Lineage { get; set; }

    /// <summary>gvm-history: each batch prompt's prior and stage-1 draws, from the iteration's pick (null for other allocators).</summary>
    [Id(24)]
    public Prompts.Stage1Plan[]? Priors { get; set; }

    /// <summary>N of the iteration in progress, fixed when its batch is picked (an epoch's short last batch has less); null in state written before it existed.</summary>
    [Id(25)]
    public int? IterationBudget { get; set; }

    /// <summary>GRESO: how far its walk through the epochs has come (epoch · set size + position); the next pick starts there.</summary>
    [Id(26)]
    public long EpochCursor { get; set; }

    /// <summary>GRESO: prompts the pick in progress skipped on its way to B kept ones.</summary>
    [Id(27)]
    public int SkippedAtPick { get; set; }

    /// <summary>Ended for good by <c>gvm run stop</c>: never driven again.</summary>
    [Id(28)]
    public bool Stopped { get; set; }

    /// <summary>
    /// The prompts left out of the run (its policy cannot sample them: too long for the model's
    /// context), each with its reason; the first <c>ExcludedShown</c> are kept.
    /// </summary>
    [Id(29)]
    public Dictionary<string, string> Excluded { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How many exclusions the run met: each kept prompt once; past the kept ones, a prompt left out again (a later stage or epoch) counts again.</summary>
    [Id(30)]
    public int ExcludedCount { get; set; }

    /// <summary>
    /// The run was deleted: everything else is gone, and the id is not given to a new run, whose
    /// history allocators would read the deleted run's visits on the prompts as its own.
    /// </summary>
    [Id(31)]
    public bool Deleted { get; set; }
}
