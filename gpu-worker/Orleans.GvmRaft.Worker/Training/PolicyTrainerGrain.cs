using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.GvmRaft.Placement;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Worker.Checkpoints;
using Orleans.GvmRaft.Worker.Policies;
using Orleans.GvmRaft.Worker.Presets;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Worker.Training;

/// <summary>
/// The trainer of one run's policy; placed on worker silos only. It keeps the current version, its
/// location and hash, and starts the warm-up and each update as a background job of its silo's
/// <see cref="TrainerJobs"/>, whose progress and result it reports: no call of it waits for model
/// work. Every version goes to the checkpoint store (weights, tokenizer files, optimiser state).
/// </summary>
[GrainType(PolicyTrainers.ModelTrainer)]
[WorkerPlacementFilter]
public sealed class PolicyTrainerGrain(
    [PersistentState("trainer", GvmStorage.Runs)] IPersistentState<TrainerState> state,
    IGrainFactory grains,
    ICheckpointStore store,
    IOptions<CheckpointOptions> checkpointOptions,
    TrainerJobs jobs,
    ILogger<PolicyTrainerGrain> logger) : Grain, IPolicyTrainerGrain
{
    private const int MaxReadBytes = 16 << 20;
    // How long a delete waits for a running job to stop at its next optimiser step.
    private static readonly TimeSpan DeleteWait = TimeSpan.FromSeconds(20);

    private readonly CheckpointOptions _checkpoints = checkpointOptions.Value;
    private PolicyTaskData? _data;

    private string RunId => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public async Task ValidateAsync(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var settings = config.PolicyOrDefault;

        // The model and the held-out set only: a start answers in seconds whatever the set's size.
        // Whether each training prompt fits is the workers' check, per item: one that does not is
        // left out of the run and listed in its status (ClaimProcessor).
        var data = await PolicyTasks.LoadAsync(grains, settings);
        // A short-lived thread of its own, not the device's compute thread: a start is answered
        // while a job runs, and the OpenMP team that building the arithmetic model makes ends with
        // the thread instead of lingering beside the compute thread's.
        await Task.Factory.StartNew(() =>
        {
            string scratch = Path.Combine(Path.GetTempPath(), $"gvm-validate-{Guid.NewGuid():N}");
            try
            {
                var (directory, formatter, _) = LoadedPolicy.Check(VersionWriter.Source(settings, scratch), settings);
                var unfit = data.Eval.Select((p, i) => ($"{settings.EvalSet}#{i}", p.Prompt))
                    .Select(p => LoadedPolicy.Unfit(directory, formatter, p.Item1, p.Item2, settings.MaxNewTokens))
                    .OfType<string>()
                    .ToList();
                if (unfit.Count > 0)
                {
                    throw new ArgumentException($"run configuration: {unfit[0]}{(unfit.Count > 1 ? $" (and {unfit.Count - 1} more prompts)" : "")}.");
                }
            }
            catch (InvalidDataException e)
            {
                throw new ArgumentException($"run configuration: policy: {e.Message}", e);
            }
            finally
            {
                if (Directory.Exists(scratch))
                {
                    Directory.Delete(scratch, recursive: true);
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <inheritdoc />
    public async Task<PolicyUpdate?> PrepareAsync(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (state.State.LastUpdate is { } done)
        {
            return done;
        }

        // No job here for version 0: the first call, or the silo that ran it died.
        if (jobs.Find(RunId) is not { Version: 0 } job)
        {
            var settings = config.PolicyOrDefault;
            var data = await DataAsync(settings);
            logger.LogInformation("run {RunId}: preparing the {Preset} policy ({Steps} warm-up steps)", RunId, settings.Preset, data.WarmupSteps);
            job = jobs.StartWarmUp(RunId, settings, data);
        }

        return await CollectAsync(config, job);
    }

    /// <inheritdoc />
    public async Task<PolicyUpdate?> UpdateAsync(int iteration, bool evaluate)
    {
        var config = state.State.Config ?? throw new InvalidOperationException($"run '{RunId}': the policy was never prepared.");
        if (state.State.Version == iteration && state.State.LastUpdate is { } done)
        {
            return done;
        }

        if (iteration != state.State.Version + 1)
        {
            throw new InvalidOperationException($"run '{RunId}': the policy is at version {state.State.Version}; it cannot make version {iteration}.");
        }

        if (jobs.Find(RunId) is not { } job || job.Version != iteration)
        {
            var from = state.State.Checkpoint
                ?? throw new InvalidOperationException($"run '{RunId}': its trainer state names no checkpoint (written by an older version of the trainer); start a new run.");
            var responses = await grains.GetGrain<IRolloutQueueGrain>(RunId).GetResponsesAsync(iteration);
            job = jobs.StartUpdate(RunId, config, from, await DataAsync(config.PolicyOrDefault), responses, iteration, evaluate);
        }

        return await CollectAsync(config, job);
    }

    /// <inheritdoc />
    public Task<TrainerJob?> GetJobAsync() => Task.FromResult(jobs.Find(RunId)?.Report());

    /// <inheritdoc />
    public Task<PolicyRelease> GetPolicyAsync()
    {
        var config = state.State.Config ?? throw new InvalidOperationException($"run '{RunId}': the policy was never prepared.");
        return Task.FromResult(new PolicyRelease(state.State.Version, config.PolicyOrDefault, state.State.Checkpoint));
    }

    /// <inheritdoc />
    public async Task<CheckpointFile[]> GetCheckpointFilesAsync()
    {
        var checkpoint = state.State.Checkpoint ?? throw new InvalidOperationException($"run '{RunId}': the policy was never prepared.");
        var files = await store.FilesAsync(checkpoint.Location);
        return [.. files.Where(f => VersionWriter.IsModelFile(f.Name)).Select(f => new CheckpointFile(f.Name, f.Bytes, f.Sha256))];
    }

    /// <inheritdoc />
    public Task<byte[]> ReadCheckpointAsync(string name, long offset, int count)
    {
        var checkpoint = state.State.Checkpoint ?? throw new InvalidOperationException($"run '{RunId}': the policy was never prepared.");
        if (!VersionWriter.IsModelFile(name) || offset < 0 || count is < 1 or > MaxReadBytes)
        {
            throw new ArgumentException($"read of '{name}' at {offset} for {count} bytes: the file must be one of the checkpoint's and 1..{MaxReadBytes} bytes.");
        }

        return store.ReadAsync(checkpoint.Location, name, offset, count);
    }

    /// <inheritdoc />
    public async Task DeleteAsync()
    {
        // A job still running is stopped at its next optimiser step and waited for (briefly), so
        // it does not publish a version after its run's checkpoints are gone.
        var running = jobs.Find(RunId);
        jobs.Release(RunId);
        if (running is not null && await Task.WhenAny(running.Result, Task.Delay(DeleteWait)) != running.Result)
        {
            // Still evaluating or writing: its version is deleted too once it ends.
            string runId = RunId;
            _ = running.Result.ContinueWith(_ => store.DeleteRunAsync(runId), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }

        await store.DeleteRunAsync(RunId);
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        jobs.Release(RunId);
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    // The held-out and warm-up data, read through the prompt grains once per activation.
    private async Task<PolicyTaskData> DataAsync(PolicySettings settings) => _data ??= await PolicyTasks.LoadAsync(grains, settings);

    // Records what an ended job made; null while it runs. A failed job's error is thrown once, and
    // forgetting the job lets the next call start it again.
    private async Task<PolicyUpdate?> CollectAsync(RunConfig config, RunningJob job)
    {
        if (!job.Result.IsCompleted)
        {
            return null;
        }

        jobs.Forget(RunId, job);
        var (made, checkpoint) = await job.Result;
        var update = made with { CheckpointHash = checkpoint.Hash };
        await SaveAsync(config, checkpoint, update);
        return update;
    }

    // A version exists once its location is stored. If the write fails, the state is the stored one
    // again; the session in memory (trained past it) is at a version the state does not name, so
    // the next job loads the stored version instead. Old versions are pruned only after the new
    // one is recorded.
    private async Task SaveAsync(RunConfig config, StoredCheckpoint stored, PolicyUpdate update)
    {
        await state.CommitAsync(this, s =>
        {
            s.Config = config;
            s.Version = update.Version;
            s.Checkpoint = new PolicyCheckpoint(update.Version, stored.Location, stored.Hash);
            s.LastUpdate = update;
            // Tracked only while kept: a best found before KeepBest was on may be pruned already.
            if (_checkpoints.KeepBest && update.EvalAccuracy is double accuracy && !(s.BestAccuracy >= accuracy))
            {
                (s.Best, s.BestAccuracy) = (s.Checkpoint, accuracy);
            }
        });

        try
        {
            string[] best = _checkpoints.KeepBest && state.State.Best is { } kept ? [Path.GetFileName(kept.Location)] : [];
            await store.PruneAsync(RunId, stored, _checkpoints.Keep, best);
        }
        catch (IOException e)
        {
            // Old versions left behind cost disk, not correctness; the next version prunes again.
            logger.LogWarning(e, "run {RunId}: pruning old checkpoints failed", RunId);
        }
    }
}
