namespace Orleans.GvmRaft.Rollouts;

/// <summary>What the queue did with a worker's results for an item.</summary>
public enum CompletionDisposition
{
    /// <summary>The first results for the item: recorded into the prompt's statistics.</summary>
    Accepted,

    /// <summary>The item was already completed (a retry, or a slower worker whose lease had expired); nothing changed.</summary>
    Duplicate,

    /// <summary>The prompt refused the results for good (it is gone); the item failed and the run stops.</summary>
    Refused,
}
