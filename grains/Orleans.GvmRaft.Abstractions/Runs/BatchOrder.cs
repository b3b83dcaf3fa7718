namespace Orleans.GvmRaft.Runs;

/// <summary>How a driven run picks each iteration's batch from its prompt set.</summary>
public enum BatchOrder
{
    /// <summary>Every batch drawn independently and uniformly without replacement (prompts come back by chance).</summary>
    Independent,

    /// <summary>
    /// Epochs: each visits every prompt of the set once, in an order seeded by the run's seed and the
    /// epoch, B at a time (the last batch of an epoch is short when B does not divide the set's size,
    /// and its budget shrinks with it). Prompts come back once per epoch, which is what lets their
    /// statistics be used.
    /// </summary>
    Epochs,
}
