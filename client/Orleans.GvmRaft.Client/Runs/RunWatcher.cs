using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Client.Runs;

/// <summary>
/// Follows a driven run until it completes and writes its run folder: a metrics line and an
/// allocation histogram per iteration as they finish, then the final checkpoint (fetched from the
/// run's trainer) and the accuracy plot. While the trainer's job runs (the warm-up, an update),
/// <paramref name="onJob"/> hears its progress at every poll; <paramref name="onDownload"/> hears
/// the bytes of the final checkpoint as they arrive (done, total).
/// </summary>
public sealed class RunWatcher(IGrainFactory grains, string runId, string output, Action<string>? log = null, Action<TrainerJob>? onJob = null, Action<long, long>? onDownload = null)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>Watches until the run completes; <paramref name="onIteration"/> hears each metrics line (iteration 0 is the policy before RL).</summary>
    public async Task<IReadOnlyList<IterationMetrics>> WatchAsync(Action<IterationMetrics>? onIteration = null, CancellationToken cancellationToken = default)
    {
        var run = grains.GetGrain<ITrainingRunGrain>(runId);
        using var folder = new RunFolder(output);
        var metrics = new List<IterationMetrics>();
        string? lastError = null;
        while (true)
        {
            var snapshot = await run.GetSnapshotAsync() ?? throw new Failures.NotFoundException($"unknown run '{runId}'.");
            if (onJob is not null && TrainerWorks(snapshot)
                && await PolicyTrainers.For(grains, runId, snapshot.Config.PolicyOrDefault).GetJobAsync() is { Done: false } job)
            {
                onJob(job);
            }

            if (metrics.Count == 0 && snapshot.Prepared)
            {
                Record(folder, metrics, new IterationMetrics(0, 0, 0, snapshot.InitialEvalAccuracy, 0, 0, 0), [], onIteration);
            }

            // Only the iterations not seen yet are fetched, and only when there are some.
            if (metrics.Count > 0 && snapshot.CompletedIterations > metrics[^1].Iteration)
            {
                foreach (var h in await run.GetIterationsAsync(metrics[^1].Iteration, int.MaxValue))
                {
                    var row = new IterationMetrics(h.Iteration, h.Samples, h.TrainAcceptRate, h.EvalAccuracy, h.Seconds, h.PromptsAllocated, h.Loss ?? 0, h.ClipFraction ?? 0, h.ApproxKl ?? 0, h.Stage1Attempts, h.PromptsSkipped, h.FromHistory);
                    folder.Record(row, h.Histogram ?? [], h.Rounds, h.EqualRewardGroups);
                    metrics.Add(row);
                    onIteration?.Invoke(row);
                }
            }

            if (snapshot.LastError is { } error && error != lastError)
            {
                log?.Invoke($"run {runId}: {error} (retrying)");
            }

            lastError = snapshot.LastError;
            if (snapshot.Phase == RunPhase.Failed)
            {
                throw new InvalidOperationException($"run {runId} failed: {snapshot.LastError}");
            }

            if (snapshot.Phase == RunPhase.Stopped)
            {
                throw new InvalidOperationException($"run {runId} was stopped for good after {snapshot.CompletedIterations} iterations (gvm run stop); its run folder holds what it did.");
            }

            // A run with a rollout limit completes before its iteration count: it ends where its history does.
            if (snapshot.Phase == RunPhase.Completed && metrics.Count > snapshot.CompletedIterations)
            {
                await FinishAsync(folder, snapshot, cancellationToken);
                log?.Invoke($"run folder: {folder.Path}");
                return metrics;
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }

    /// <summary>Whether the run's trainer has a job to show: a running run warming up or updating (a run not started has no trainer yet).</summary>
    public static bool TrainerWorks(RunSnapshot snapshot) =>
        snapshot is { Phase: RunPhase.Running } && (!snapshot.Prepared || snapshot.Step == IterationStep.Update);

    private static void Record(RunFolder folder, List<IterationMetrics> metrics, IterationMetrics row, int[] histogram, Action<IterationMetrics>? onIteration)
    {
        folder.Record(row, histogram);
        metrics.Add(row);
        onIteration?.Invoke(row);
    }

    private async Task FinishAsync(RunFolder folder, RunSnapshot snapshot, CancellationToken cancellationToken)
    {
        folder.Finish($"{runId}, policy version {snapshot.PolicyVersion}");
        if (snapshot.Config.PolicyOrDefault.TrainsModel)
        {
            await CheckpointDownload.CopyAsync(PolicyTrainers.Model(grains, runId), Path.Combine(folder.Path, "checkpoint"), cancellationToken, onDownload);
        }
    }
}
