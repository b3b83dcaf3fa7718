namespace Orleans.GvmRaft.Rollouts;

/// <summary>One item of a queue as persisted: the work, who holds it until when, and whether it is done.</summary>
[GenerateSerializer]
public sealed class WorkItemState
{
    /// <summary>The work.</summary>
    [Id(0)]
    public required RolloutWorkItem Item { get; init; }

    /// <summary>The worker holding the current lease, if any.</summary>
    [Id(1)]
    public string? WorkerId { get; set; }

    /// <summary>When the current lease ends.</summary>
    [Id(2)]
    public DateTimeOffset LeaseExpiresAt { get; set; }

    /// <summary>How many times the item was leased.</summary>
    [Id(3)]
    public int Attempts { get; set; }

    /// <summary>Results were recorded.</summary>
    [Id(4)]
    public bool Completed { get; set; }

    /// <summary>Responses drawn, from the accepted results.</summary>
    [Id(5)]
    public int Drawn { get; set; }

    /// <summary>Responses accepted, from the accepted results.</summary>
    [Id(6)]
    public int Accepted { get; set; }

    /// <summary>The responses, kept for the trainer until the queue drops the iteration.</summary>
    [Id(7)]
    public RolloutResponses? Responses { get; set; }

    /// <summary>The winning results, persisted before they are sent to the prompt; cleared once completed.</summary>
    [Id(8)]
    public PendingResults? Pending { get; set; }

    /// <summary>Why the item cannot be done, when a worker said so.</summary>
    [Id(9)]
    public string? Failure { get; set; }

    /// <summary>The worker whose results were recorded, once completed.</summary>
    [Id(10)]
    public string? CompletedBy { get; set; }

    /// <summary>The prompt's stage-1 estimate as recording these results left it.</summary>
    [Id(11)]
    public Prompts.PromptEstimate? Estimate { get; set; }

    /// <summary>The prompt's lifetime samples as recording these results left them.</summary>
    [Id(12)]
    public long SamplesSpent { get; set; }

    /// <summary>Why the item's prompt cannot be sampled (it does not fit the model), when a worker said so: the item is done, with nothing drawn.</summary>
    [Id(13)]
    public string? Excluded { get; set; }

    /// <summary>Neither done, failed nor excluded.</summary>
    public bool IsOpen => !Completed && Failure is null && Excluded is null;
}
