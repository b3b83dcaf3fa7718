using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Policy.Training;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Telemetry;
using Orleans.GvmRaft.Worker.Checkpoints;
using Orleans.GvmRaft.Worker.Compute;
using Orleans.GvmRaft.Worker.Policies;
using Orleans.GvmRaft.Worker.Presets;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Worker.Training;

/// <summary>
/// The trainer silo's background jobs: warm-ups and updates, each on a thread of its own until its
/// first await, outside any grain turn (they take seconds to hours). A trainer grain starts its run's job here and
/// collects the result at a later call; this service holds the job and, between jobs, the run's
/// model (<see cref="TrainerSession"/>). When the silo stops, running jobs stop at their next
/// optimiser step; their trainer grains start them again wherever they are next activated.
/// </summary>
public sealed class TrainerJobs(
    ICheckpointStore store,
    IOptions<CheckpointOptions> checkpointOptions,
    WarmupCache warmups,
    DeviceSchedulers schedulers,
    IGrainFactory grains,
    ILocalSiloDetails silo,
    TimeProvider clock,
    ILogger<TrainerJobs> logger) : IHostedService, IDisposable
{
    private readonly CheckpointOptions _checkpoints = checkpointOptions.Value;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, RunningJob> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrainerSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>The job of <paramref name="runId"/> on this silo, running or ended and not yet collected.</summary>
    public RunningJob? Find(string runId)
    {
        lock (_jobs)
        {
            return _jobs.GetValueOrDefault(runId);
        }
    }

    /// <summary>Forgets <paramref name="job"/> once its grain has collected its result.</summary>
    public void Forget(string runId, RunningJob job)
    {
        lock (_jobs)
        {
            if (_jobs.TryGetValue(runId, out var held) && held == job)
            {
                _jobs.Remove(runId);
                job.Cancellation.Dispose();
            }
        }
    }

    /// <summary>
    /// Gives back the run's model: its trainer grain is going away, and its next activation (on
    /// this silo or another) starts from the stored version. A job still running is stopped at its
    /// next optimiser step, so one version is never trained twice at once, and gives the model back
    /// when it ends.
    /// </summary>
    public void Release(string runId)
    {
        RunningJob? running;
        lock (_jobs)
        {
            running = _jobs.TryGetValue(runId, out var job) && !job.Result.IsCompleted ? job : null;
        }

        if (running is not null)
        {
            try
            {
                running.Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It ended and was collected meanwhile: nothing left to stop.
            }

            running.Result.ContinueWith(_ => DropSession(runId), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return;
        }

        DropSession(runId);
    }

    /// <summary>Starts the job that builds <paramref name="settings"/>' policy, warms it up and stores version 0.</summary>
    public RunningJob StartWarmUp(string runId, PolicySettings settings, PolicyTaskData data) =>
        Start(runId, TrainerJob.WarmUp, 0, settings.Device, job => WarmUp(runId, settings, data, job));

    /// <summary>
    /// Starts the job that trains version <paramref name="from"/> on <paramref name="responses"/> and
    /// stores version <paramref name="iteration"/>.
    /// </summary>
    public RunningJob StartUpdate(string runId, RunConfig config, PolicyCheckpoint from, PolicyTaskData data, RolloutResponses[] responses, int iteration, bool evaluate) =>
        Start(runId, TrainerJob.Update, iteration, config.PolicyOrDefault.Device, job => Update(runId, config, from, data, responses, iteration, evaluate, job));

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        Task[] running;
        lock (_jobs)
        {
            running = [.. _jobs.Values.Select(j => j.Result)];
        }

        await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (_jobs)
        {
            foreach (var session in _sessions.Values)
            {
                session.Dispose();
            }

            _sessions.Clear();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

    private RunningJob Start(string runId, string kind, long version, string device, Func<RunningJob, Task<(PolicyUpdate, StoredCheckpoint)>> body)
    {
        var job = new RunningJob(kind, version, silo.Name, clock.GetUtcNow(), _stopping.Token);
        lock (_jobs)
        {
            if (_stopping.IsCancellationRequested)
            {
                throw new InvalidOperationException($"run '{runId}': silo {silo.Name} is stopping; the {kind} job starts on the trainer's next silo.");
            }

            if (_jobs.TryGetValue(runId, out var other) && !other.Result.IsCompleted)
            {
                throw new InvalidOperationException($"run '{runId}': a {other.Kind} job for version {other.Version} is still running.");
            }

            // On the device's compute thread, never the calling grain's scheduler or a pool thread
            // held for minutes; its continuations after the store's awaits come back there too.
            job.Result = schedulers.For(device).RunAsync(() => body(job));
            _jobs[runId] = job;
        }

        // The run polls its trainer each tick; told when the job ends, it collects the result at once.
        job.Result.ContinueWith(_ => grains.GetGrain<ITrainingRunGrain>(runId).WakeAsync(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

        logger.LogInformation("run {RunId}: {Kind} job for version {Version} started", runId, kind, version);
        return job;
    }

    private async Task<(PolicyUpdate, StoredCheckpoint)> WarmUp(string runId, PolicySettings settings, PolicyTaskData data, RunningJob job)
    {
        Keep(runId, null);
        string staging = store.CreateStaging(runId, 0);
        var writer = new VersionWriter(store, runId, _checkpoints.ShardBytes, LoadedPolicy.Open(VersionWriter.Source(settings, staging), settings, training: true));
        PolicyTrainer? trainer = null;
        try
        {
            var policy = writer.Policy;
            if (TrainerCompute.WarmUp(policy, settings, data, warmups, job.Progress) is (var nll, var kept))
            {
                job.Progress(data.WarmupSteps, data.WarmupSteps, nll);
                logger.LogInformation("run {RunId}: warm-up NLL {Nll:F3}{Kept}", runId, nll, kept ? " (kept from an earlier run)" : "");
            }

            trainer = new PolicyTrainer(policy.Model, TrainerCompute.Options(settings));
            double? accuracy = TrainerCompute.Evaluate(policy, data);
            var checkpoint = await writer.PublishAsync(0, trainer, staging);
            logger.LogInformation("run {RunId}: version 0 stored at {Location}, held-out accuracy {Accuracy:P1}", runId, checkpoint.Location, accuracy);
            Keep(runId, new TrainerSession(writer, trainer, data, 0));
            return (new PolicyUpdate(0, 0, null, accuracy), checkpoint);
        }
        catch
        {
            trainer?.Dispose();
            writer.Dispose();
            throw;
        }
    }

    private async Task<(PolicyUpdate, StoredCheckpoint)> Update(
        string runId, RunConfig config, PolicyCheckpoint from, PolicyTaskData data, RolloutResponses[] responses, int iteration, bool evaluate, RunningJob job)
    {
        var settings = config.PolicyOrDefault;
        var session = Take(runId);
        if (session?.Version != from.Version)
        {
            session?.Dispose();
            long loading = Stopwatch.GetTimestamp();
            session = await LoadAsync(runId, settings, from, data);
            Record(runId, "load_trainer", loading);
        }

        try
        {
            long started = Stopwatch.GetTimestamp();
            var examples = UpdateExamples.Build(config.Algorithm, responses, settings.PromptMeanUpdate);
            var trained = UpdateExamples.Train(session.Trainer, examples, settings.MiniBatch, settings.GradientAccumulation, TrainerCompute.Shuffle(settings, iteration), job.Progress);
            started = Record(runId, "train", started);
            double? accuracy = evaluate ? TrainerCompute.Evaluate(session.Writer.Policy, session.Data) : null;
            started = Record(runId, "evaluate", started);
            var checkpoint = await session.Writer.PublishAsync(iteration, session.Trainer, store.CreateStaging(runId, iteration));
            Record(runId, "publish", started);
            session.Version = iteration;
            Keep(runId, session);
            return (new PolicyUpdate(iteration, examples.Count, trained?.Nll, accuracy, trained?.ClipFraction, trained?.ApproxKl), checkpoint);
        }
        catch
        {
            // Trained past the stored version, or half-way: the next job starts from the store.
            session.Dispose();
            throw;
        }
    }

    // The model and the optimiser come back from a stored version, its files checked against the recorded hash.
    private async Task<TrainerSession> LoadAsync(string runId, PolicySettings settings, PolicyCheckpoint from, PolicyTaskData data)
    {
        string folder = await store.OpenAsync(new StoredCheckpoint(from.Location, from.Hash));
        var writer = new VersionWriter(store, runId, _checkpoints.ShardBytes, LoadedPolicy.Open(folder, settings, training: true));
        PolicyTrainer? trainer = null;
        try
        {
            trainer = new PolicyTrainer(writer.Policy.Model, TrainerCompute.Options(settings));
            trainer.LoadOptimizer(Path.Combine(folder, VersionWriter.OptimizerFile));
        }
        catch
        {
            // Out of device memory, say: retried every few seconds, a leak would make it certain.
            trainer?.Dispose();
            writer.Dispose();
            throw;
        }

        logger.LogInformation("run {RunId}: loaded the trainer from version {Version} ({Location})", runId, from.Version, from.Location);
        return new TrainerSession(writer, trainer, data, from.Version);
    }

    // The model work's time, for the system's account of an iteration; returns the time it ended.
    private static long Record(string runId, string part, long started)
    {
        long now = Stopwatch.GetTimestamp();
        GvmMetrics.RecordCompute(runId, part, Stopwatch.GetElapsedTime(started, now).TotalSeconds);
        return now;
    }

    private void DropSession(string runId)
    {
        lock (_jobs)
        {
            if (_sessions.Remove(runId, out var session))
            {
                session.Dispose();
            }
        }
    }

    private TrainerSession? Take(string runId)
    {
        lock (_jobs)
        {
            return _sessions.Remove(runId, out var session) ? session : null;
        }
    }

    // Holds the run's session between jobs (a released run's is dropped when its job ends).
    private void Keep(string runId, TrainerSession? session)
    {
        lock (_jobs)
        {
            if (_sessions.Remove(runId, out var old) && old != session)
            {
                old.Dispose();
            }

            if (session is null)
            {
                return;
            }

            if (_stopping.IsCancellationRequested)
            {
                session.Dispose();
                return;
            }

            _sessions[runId] = session;
        }
    }
}
