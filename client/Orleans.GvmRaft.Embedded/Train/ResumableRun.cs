using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Embedded.Train;

/// <summary>A run of <c>train</c> found again in its state file, made to go on where it stopped.</summary>
public static class ResumableRun
{
    /// <summary>
    /// Finds the run <paramref name="saved"/> names and sets it going again: a paused run is
    /// resumed, a run that died before it started is started; one that is driving goes on by
    /// itself once its grain is called. Returns its configuration.
    /// </summary>
    /// <exception cref="ArgumentException">The state file holds no such run, or the run failed or was stopped.</exception>
    public static async Task<RunConfig> PrepareAsync(IGrainFactory grains, TrainResumeFile saved, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(log);
        var run = grains.GetGrain<ITrainingRunGrain>(saved.RunId);
        var snapshot = await run.GetSnapshotAsync()
            ?? throw new ArgumentException($"train --resume: {saved.StateDb} holds no run '{saved.RunId}' (it died before the run was created): train again without --resume.");
        switch (snapshot.Phase)
        {
            case RunPhase.Failed:
            case RunPhase.Stopped:
                throw new ArgumentException($"train --resume: run '{saved.RunId}' {snapshot.Phase.ToString().ToLowerInvariant()}{(snapshot.LastError is { } e ? $" ({e})" : "")}; it cannot go on.");
            case RunPhase.Created:
                snapshot = await run.StartAsync();
                break;
            case RunPhase.Paused:
                snapshot = await run.ResumeAsync();
                break;
        }

        log($"run {saved.RunId}: going on from iteration {snapshot.CompletedIterations} of {snapshot.Config.Iterations} ({snapshot.Phase.ToString().ToLowerInvariant()}), state {saved.StateDb}");
        return snapshot.Config;
    }
}
