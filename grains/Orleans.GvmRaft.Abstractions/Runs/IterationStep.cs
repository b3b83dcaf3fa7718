namespace Orleans.GvmRaft.Runs;

/// <summary>The step a driven run's current iteration is at; persisted, so a restarted run goes on from it.</summary>
public enum IterationStep
{
    /// <summary>Draw the batch of B prompts from the prompt set.</summary>
    PickBatch,

    /// <summary>Stage 1 is queued; waiting for the workers to finish it.</summary>
    Estimate,

    /// <summary>Solve the allocation and queue stage 2.</summary>
    Allocate,

    /// <summary>Stage 2 is queued; waiting for the workers to finish it.</summary>
    Sample,

    /// <summary>The policy update, the held-out evaluation, the iteration's metrics.</summary>
    Update,
}
