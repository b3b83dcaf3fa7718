using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Rollouts;

/// <summary>A unit of rollout work: draw <see cref="Count"/> responses to one prompt with one policy version.</summary>
/// <param name="ItemId">Unique per item; it is also the report id of the item's results, so a repeat counts once.</param>
/// <param name="RunId">The training run.</param>
/// <param name="PromptId">The prompt to answer.</param>
/// <param name="Iteration">The run's iteration.</param>
/// <param name="Stage">Estimation or allocated sampling.</param>
/// <param name="Count">Responses to draw (≥ 1).</param>
/// <param name="PolicyVersion">The policy version the worker must sample with.</param>
/// <param name="ExtendsEstimate">A shrunk stage 1 (stage-1 reuse): its results add to the prompt's reused estimate instead of replacing it.</param>
/// <param name="Lineage">The hash of the checkpoint the run started from, stamped on the prompt's statistics so that later runs of the same lineage can use them.</param>
[GenerateSerializer, Immutable]
public sealed record RolloutWorkItem(
    [property: Id(0)] string ItemId,
    [property: Id(1)] string RunId,
    [property: Id(2)] string PromptId,
    [property: Id(3)] int Iteration,
    [property: Id(4)] RolloutStage Stage,
    [property: Id(5)] int Count,
    [property: Id(6)] long PolicyVersion,
    [property: Id(7)] bool ExtendsEstimate = false,
    [property: Id(8)] string? Lineage = null)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ItemId) || string.IsNullOrWhiteSpace(RunId))
        {
            throw new ArgumentException("work item: item id and run id must not be empty.");
        }

        PromptDefinition.ValidateId(PromptId);
        if (Iteration < 1 || Count < 1 || PolicyVersion < 0)
        {
            throw new ArgumentException($"work item '{ItemId}': iteration and count must be >= 1 and the policy version >= 0.");
        }
    }
}
