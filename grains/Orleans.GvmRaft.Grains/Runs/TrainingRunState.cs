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

    /// <summary>Iterations allocated so far.</summary>
    [Id(2)]
    public int CompletedIterations { get; set; }

    /// <summary>The plan of the latest iteration, kept whole so that a retried call gets the same answer.</summary>
    [Id(3)]
    public IterationAllocation? LastAllocation { get; set; }

    /// <summary>One summary per allocated iteration.</summary>
    [Id(4)]
    public List<IterationSummary> History { get; set; } = [];

    /// <summary>A copy to restore when a write fails.</summary>
    public TrainingRunState Copy() => new()
    {
        Config = Config,
        CreatedAt = CreatedAt,
        CompletedIterations = CompletedIterations,
        LastAllocation = LastAllocation,
        History = [.. History],
    };
}
