using Orleans.Concurrency;

namespace Orleans.GvmRaft.Runs;

/// <summary>
/// The coordinator of one training run: its configuration, iteration state machine, allocation
/// step and metrics. Once started, the run drives its own iterations: pick the batch, stage 1,
/// allocate, stage 2, update.
/// </summary>
public interface ITrainingRunGrain : IGrainWithStringKey
{
    /// <summary>Creates the run; a repeat with the same configuration is a no-op, a different one throws.</summary>
    Task<RunSnapshot> CreateAsync(RunConfig config);

    /// <summary>The run, or null when no run has this id. Answered while an iteration is in progress.</summary>
    [AlwaysInterleave]
    Task<RunSnapshot?> GetSnapshotAsync();

    /// <summary>
    /// Up to <paramref name="max"/> summaries of finished iterations after iteration
    /// <paramref name="after"/>, in order: what a watcher has not seen yet. The snapshot carries only
    /// the recent ones; these come from the run's history pages where older.
    /// </summary>
    [AlwaysInterleave]
    Task<IterationSummary[]> GetIterationsAsync(int after, int max);

    /// <summary>
    /// Starts driving the run: prepare the policy, then iterate until the configured number of
    /// iterations is done. Needs a non-empty prompt set; the run then waits for workers (worker silos, or for an external policy whoever claims its queue's work). Starting a started run is a no-op.
    /// </summary>
    Task<RunSnapshot> StartAsync();

    /// <summary>Stops the run at the next step boundary; its state is kept and <see cref="ResumeAsync"/> goes on.</summary>
    Task<RunSnapshot> PauseAsync();

    /// <summary>Goes on with a paused run from the step it stopped at.</summary>
    Task<RunSnapshot> ResumeAsync();

    /// <summary>
    /// Ends the run for good at its next step boundary: no further iteration, and it cannot be
    /// resumed; its state, history and checkpoints stay readable. A completed or failed run is
    /// left as it is.
    /// </summary>
    Task<RunSnapshot> StopAsync();

    /// <summary>
    /// Deletes a run that is not running or paused (stop it first): its queue, its checkpoints, its
    /// prompt index and history, then its own state. The prompts' statistics belong to their
    /// prompt set and stay. Deleting an unknown run is a no-op, so a delete that failed midway can
    /// be run again.
    /// </summary>
    Task DeleteAsync();

    /// <summary>
    /// Something the run may be waiting on happened (results of its queue's work arrived, its
    /// trainer's job ended): a driving run looks at once instead of at its next tick. Fire and
    /// forget; a run that is not driving ignores it. Many wakes while a step runs make one look.
    /// </summary>
    [OneWay]
    [AlwaysInterleave]
    Task WakeAsync();
}
