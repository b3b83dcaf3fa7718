using Microsoft.Extensions.Logging;
using Orleans.GvmRaft.Index;
using Orleans.GvmRaft.Telemetry;

namespace Orleans.GvmRaft.Runs;

/// <summary>The end of a run's life: stopped for good, then deleted with what it left outside the prompts.</summary>
public sealed partial class TrainingRunGrain
{
    /// <inheritdoc />
    public async Task<RunSnapshot> StopAsync()
    {
        var s = state.State;
        if (s.Config is null)
        {
            throw new InvalidOperationException($"unknown run '{RunId}'.");
        }

        // A completed or failed run has ended already; stopping it changes nothing.
        if (s.Stopped || s.Failure is not null || s.Config.IsComplete(s.FinishedIterations, s.Samples))
        {
            return Snapshot();
        }

        // Non-interleaving like the ticks, so this lands between two steps: the step in progress
        // ends, and no further one starts. Work already queued is left for the delete to drop.
        await CommitAsync(c => c.Stopped = true);
        StopDriving();
        await AnnounceAsync(false);
        await ForgetReminderAsync();
        logger.LogInformation("run {RunId}: stopped for good after {Iterations} iterations", RunId, s.FinishedIterations);
        return Snapshot();
    }

    /// <inheritdoc />
    public async Task DeleteAsync()
    {
        var s = state.State;
        if (s.Config is null)
        {
            return;
        }

        if (Snapshot().Phase is RunPhase.Running or RunPhase.Paused)
        {
            throw new InvalidOperationException($"run '{RunId}' is {Snapshot().Phase.ToString().ToLowerInvariant()}: stop it first (gvm run stop {RunId}), then delete it.");
        }

        // Everything else first and the run's own state last: a delete that fails midway leaves a
        // run that a second delete finishes. Every step is idempotent.
        await Queue.DeleteAsync();

        // A run never started has no trainer (and no checkpoints); a started one's trainer lives
        // on a worker silo, which must be up to delete its checkpoints.
        if (s.Driven)
        {
            try
            {
                await Trainer.DeleteAsync();
            }
            catch (OrleansException e) when (e.Message.Contains("No active nodes are compatible", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"run '{RunId}' cannot be deleted now: its checkpoints are deleted by its trainer, on a worker silo, and none is up; start one (gvm-worker) and delete it again.", e);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, PromptIndex.Shards).Select(shard => grains.GetGrain<IPromptIndexGrain>(PromptIndex.ShardKey(RunId, shard)).ClearAsync()));
        int pages = (s.FinishedIterations / IRunHistoryGrain.PageSize) + 1;
        await Task.WhenAll(Enumerable.Range(0, pages).Select(page => grains.GetGrain<IRunHistoryGrain>($"{RunId}/{page}").ClearAsync()));
        await AnnounceAsync(false);
        await ForgetReminderAsync();
        StopDriving();

        // A tombstone, not an empty row: the prompts' visits still carry this run's id. A failed
        // write shows the stored run again, and the delete can be run again.
        state.State = new TrainingRunState { Deleted = true };
        await state.WriteOrRestoreAsync(this);
        GvmMetrics.ForgetRun(RunId);
        logger.LogInformation("run {RunId}: deleted", RunId);
        DeactivateOnIdle();
    }

    private void RequireNotStopped()
    {
        if (state.State.Stopped)
        {
            throw new InvalidOperationException($"run '{RunId}' was stopped for good (gvm run stop); start a new run instead.");
        }
    }

    private async Task ForgetReminderAsync()
    {
        if (await this.GetReminder(DriveReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
