namespace Orleans.GvmRaft.Prompts;

/// <summary>One prompt, keyed by its stable id: its definition and statistics that persist for the life of the prompt set.</summary>
public interface IPromptGrain : IGrainWithStringKey
{
    /// <summary>Defines the prompt; a repeat with the same definition changes nothing, a different one throws <see cref="PromptConflictException"/>.</summary>
    /// <remarks>
    /// A new prompt given <paramref name="set"/> joins that set in the same write (one storage
    /// write per imported prompt); an existing one joins it with <see cref="JoinSetAsync"/>.
    /// </remarks>
    Task<DefineOutcome> DefineAsync(PromptDefinition definition, string? set = null);

    /// <summary>The definition, or null when the prompt was never defined.</summary>
    Task<PromptDefinition?> GetDefinitionAsync();

    /// <summary>Removes a prompt that has no rollouts yet (the undo of a failed import); refuses one with statistics.</summary>
    Task ForgetAsync();

    /// <summary>Counts a batch of rollouts in; a report id seen before is a no-op. Invalid reports throw and change nothing.</summary>
    Task<ReportDisposition> RecordRolloutsAsync(RolloutReport report);

    /// <summary>
    /// <see cref="RecordRolloutsAsync"/>, answering with the prompt's estimate and samples spent
    /// after the report (what the rollout queue keeps for the run).
    /// </summary>
    Task<PromptRecord> RecordAsync(RolloutReport report);

    /// <summary>The latest stage-1 estimate, or null when none was reported.</summary>
    Task<PromptEstimate?> GetEstimateAsync();

    /// <summary>The prompt's kept visits by run <paramref name="runId"/>, oldest first (at most <c>PromptGrain.VisitLimit</c> of all runs').</summary>
    Task<PromptVisit[]> GetVisitsAsync(string runId);

    /// <summary>
    /// How many stage-1 draws the prompt asks of <paramref name="request"/>'s run, from its own
    /// uncertainty: n0 less the effective samples of its discounted prior (its last visit by the
    /// run, else by another run of the same lineage), with the prior itself.
    /// </summary>
    Task<Stage1Plan> PlanStage1Async(Stage1Request request);

    /// <summary>Records that the prompt belongs to <paramref name="set"/>; true the first time, false when it already did.</summary>
    Task<bool> JoinSetAsync(string set);

    /// <summary>The whole state, or null when the prompt was never defined.</summary>
    Task<PromptSnapshot?> GetSnapshotAsync();
}
