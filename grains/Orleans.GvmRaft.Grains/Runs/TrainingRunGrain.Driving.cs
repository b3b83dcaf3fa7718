using Microsoft.Extensions.Logging;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.PromptSets;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Telemetry;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Runs;

/// <summary>
/// The driven iteration: a persisted state machine — pick the batch, stage 1, allocate, stage 2,
/// update — advanced by <see cref="StepAsync"/>, one step per phase, on the ticks of a timer that
/// does not interleave; commands do not interleave either, so no two steps or writes overlap. Only
/// calls that write nothing interleave: the reads, and <see cref="WakeAsync"/>, which brings the
/// next tick forward. A step that moves to a
/// stage queues the stage's work before it commits the move, so a run at a stage always has its
/// work queued. Steps are idempotent (work items and plans are keyed by iteration), so a step
/// repeated after a crash or a failed write does no harm; a reminder reactivates a driven run
/// whose silo went away.
/// </summary>
public sealed partial class TrainingRunGrain
{
    /// <summary>
    /// How often the drive reminder looks in on a driven run. Grain timers die with their
    /// activation, and Orleans deactivates a run grain not only with its silo: when any silo dies,
    /// the activations whose grain directory partition it held are deactivated on the survivors
    /// too. Nothing else calls a run that is waiting on its workers, so this period bounds how long
    /// a silo's death can stall a run (Orleans' default minimum of one minute is lowered to it).
    /// </summary>
    public static readonly TimeSpan RevivePeriod = TimeSpan.FromSeconds(10);

    private const string DriveReminder = "drive";

    // Reasons for left-out prompts a run keeps for its status (a count goes on past them).
    private const int ExcludedShown = 100;

    // After a failed step the timer's next tick waits this long (a wake still looks at once).
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    private bool IsDriving => state.State is { Driven: true, Paused: false, Stopped: false, Failure: null, Config: { } config } s && !config.IsComplete(s.FinishedIterations, s.Samples);

    private IRolloutQueueGrain Queue => grains.GetGrain<IRolloutQueueGrain>(RunId);

    private IPolicyTrainerGrain Trainer => PolicyTrainers.For(grains, RunId, state.State.Config!.PolicyOrDefault);

    // Runs of an external policy are served by workers outside the cluster that claim from the
    // queue themselves; the worker silos' rollout workers are not told about them.
    private bool ServedByWorkerSilos => state.State.Config!.PolicyOrDefault.Preset != PolicySettings.External;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Config is not null && !state.State.HistoryArchived)
        {
            await ArchiveHistoryAsync();
        }

        if (IsDriving)
        {
            // A run stored by the version that queued a stage's work after moving to it may have
            // moved without queuing: queued again (known items are ignored), until its next write.
            if (state.State is { QueuesBeforeMoving: false, Prepared: true, Step: IterationStep.Estimate or IterationStep.Sample } s)
            {
                await Queue.EnqueueAsync(s.Step == IterationStep.Estimate
                    ? WorkItems(s.FinishedIterations + 1, RolloutStage.Estimate, s.Batch!, s.Stage1Counts!, round: 0)
                    : WorkItems(s.FinishedIterations + 1, RolloutStage.Sample, s.Batch!, s.RoundSamples ?? s.LastAllocation!.Samples, s.Round));
            }

            StartDriving();
        }

        await base.OnActivateAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RunSnapshot> StartAsync()
    {
        var config = state.State.Config ?? throw new InvalidOperationException($"unknown run '{RunId}'.");
        RequireNotStopped();
        if (state.State.Driven)
        {
            return Snapshot();
        }

        if (config.PromptSet is not { } set)
        {
            throw new InvalidOperationException($"run '{RunId}' has no promptSet to draw batches from; create it with one.");
        }

        if (await grains.GetGrain<IPromptSetGrain>(set).GetCountAsync() == 0)
        {
            throw new InvalidOperationException($"prompt set '{set}' of run '{RunId}' is empty or unknown: import prompts into it first (gvm import FILE --set {set}).");
        }

        // A model, tokenizer or prompt the workers cannot use is refused now, naming the file and
        // field, rather than as a failing step after work is queued.
        try
        {
            await Trainer.ValidateAsync(config);
        }
        catch (OrleansException e) when (e.Message.Contains("No active nodes are compatible", StringComparison.Ordinal))
        {
            // Orleans' placement names no type for this; its message is what tells it apart.
            throw new NoWorkerSiloException(RunId);
        }

        await CommitAsync(s => s.Driven = true);
        await this.RegisterOrUpdateReminder(DriveReminder, RevivePeriod, RevivePeriod);
        StartDriving();
        return Snapshot();
    }

    /// <inheritdoc />
    public async Task<RunSnapshot> PauseAsync()
    {
        RequireDriven();
        if (IsDriving)
        {
            await CommitAsync(s => s.Paused = true);
            StopDriving();
            await AnnounceAsync(false);
        }

        return Snapshot();
    }

    /// <inheritdoc />
    public async Task<RunSnapshot> ResumeAsync()
    {
        RequireDriven();
        RequireNotStopped();
        if (state.State.Paused)
        {
            await CommitAsync(s => s.Paused = false);
            StartDriving();
        }

        return Snapshot();
    }

    /// <inheritdoc />
    public Task WakeAsync()
    {
        // Brings the timer's next tick forward to now. Wakes that come while a step runs, or while
        // a tick waits for its turn, make one look after it; a failed step keeps its retry delay.
        if (IsDriving && _lastError is null)
        {
            _timer?.Change(TimeSpan.Zero, _tickPeriod);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Activation already resumed driving; the reminder only brings the grain back after its silo died.
        if (IsDriving)
        {
            StartDriving();
        }

        return Task.CompletedTask;
    }

    // Keeps the first ExcludedShown prompts with their reasons, counting every one. A prompt past
    // those may be counted again when a later epoch draws it.
    private static void NoteExcluded(TrainingRunState s, KeyValuePair<string, string>[] excluded)
    {
        s.ExcludedCount += excluded.Length;
        foreach (var (promptId, reason) in excluded.Take(Math.Max(0, ExcludedShown - s.Excluded.Count)))
        {
            s.Excluded[promptId] = reason;
        }
    }

    private void RequireDriven()
    {
        if (state.State.Config is null)
        {
            throw new InvalidOperationException($"unknown run '{RunId}'.");
        }

        if (!state.State.Driven)
        {
            throw new InvalidOperationException($"run '{RunId}' was never started: start it first (gvm run start).");
        }
    }

    private void StartDriving()
    {
        _drivingSince ??= clock.GetUtcNow();
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, _tickPeriod) { Interleave = false, KeepAlive = true });
    }

    private void StopDriving()
    {
        // The time driven so far was persisted by the commit that stopped the run.
        _timer?.Dispose();
        _timer = null;
        _drivingSince = null;

        // Time paused is no step's: the step a resumed run is at is not timed, nor its iteration.
        // A run that is not driving asks nothing of the workers, so it is not reported either.
        _phase = null;
        _iterationSince = null;
        GvmMetrics.ForgetRun(RunId);
    }

    private double DrivingSeconds() =>
        state.State.Seconds + (_drivingSince is { } since ? (clock.GetUtcNow() - since).TotalSeconds : 0);

    // A tick or a wake: steps until one waits on something (the workers, the trainer's job).
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (IsDriving && !cancellationToken.IsCancellationRequested)
            {
                if (_loggedStep != (state.State.FinishedIterations, state.State.Step))
                {
                    _loggedStep = (state.State.FinishedIterations, state.State.Step);
                    logger.LogDebug("run {RunId}: iteration {Iteration}, step {Step}", RunId, state.State.FinishedIterations + 1, state.State.Step);
                }

                bool advanced = await StepAsync();
                ObservePhase();
                if (!advanced)
                {
                    break;
                }
            }

            if (_lastError is not null)
            {
                // Back to the usual period after a retry.
                _lastError = null;
                _timer?.Change(_tickPeriod, _tickPeriod);
            }

            if (!IsDriving && _timer is not null && !state.State.Paused)
            {
                await FinishRunAsync();
            }
        }
        catch (Exception e)
        {
            _lastError = e.Message;
            _timer?.Change(RetryDelay, _tickPeriod);
            logger.LogWarning(e, "run {RunId}: step {Step} of iteration {Iteration} failed; retrying", RunId, state.State.Step, state.State.FinishedIterations + 1);
        }
    }

    // The step table: one step per phase of the iteration; true when it moved the run on.
    private async Task<bool> StepAsync()
    {
        var s = state.State;
        var config = s.Config!;
        if (!s.Prepared)
        {
            // The warm-up is a background job of the trainer's silo: each tick looks in on it.
            if (await Trainer.PrepareAsync(config) is not { } prepared)
            {
                return false;
            }

            await CommitAsync(c =>
            {
                c.Prepared = true;
                c.PolicyVersion = prepared.Version;
                c.InitialAccuracy = prepared.EvalAccuracy;
                c.Lineage = prepared.CheckpointHash;
            });
            ObservePhase(beginsIteration: true);
            return true;
        }

        int iteration = s.FinishedIterations + 1;
        switch (s.Step)
        {
            case IterationStep.PickBatch:
                await PickBatchAsync(config, iteration);
                return true;
            case IterationStep.Estimate:
                return await AwaitStageAsync(iteration, RolloutStage.Estimate, IterationStep.Allocate);
            case IterationStep.Allocate:
                await AllocateStepAsync(config, iteration);
                return true;
            case IterationStep.Sample:
                return await AwaitStageAsync(iteration, RolloutStage.Sample, IterationStep.Update);
            case IterationStep.Update:
                return await FinishIterationAsync(config, iteration);
            default:
                throw new InvalidOperationException($"run '{RunId}': unknown step {s.Step}.");
        }
    }

    private async Task PickBatchAsync(RunConfig config, int iteration)
    {
        var set = grains.GetGrain<IPromptSetGrain>(config.PromptSet!);
        int full = (int)Math.Min(config.BatchSize, await set.GetCountAsync());
        (string[] batch, long cursor, int skipped) = config.Allocator == AllocatorKind.Greso
            ? await PickGresoBatchAsync(config, set, iteration)
            : (config.BatchOrder == BatchOrder.Epochs
                ? await set.EpochBatchAsync(config.BatchSize, iteration, config.PolicyOrDefault.Seed)
                : await set.SampleAsync(full, (config.PolicyOrDefault.Seed * 1_000_003L) + iteration), 0, 0);
        int size = batch.Length;
        int[] counts = [.. Enumerable.Repeat(config.Stage1Samples, size)];
        if (config.Allocator == AllocatorKind.Knapsack)
        {
            await PlanStage1FromVisitsAsync(config, iteration, batch, counts);
        }

        Stage1Plan[]? priors = null;
        if (config.Allocator == AllocatorKind.GvmHistory)
        {
            // Each prompt answers how many draws its own uncertainty needs.
            var request = new Stage1Request(RunId, state.State.Lineage, iteration, state.State.PolicyVersion, config.Stage1Samples, config.HistoryOrDefault);
            priors = await BoundedFanOut.RunAsync(size, _maxConcurrentCalls, i => grains.GetGrain<IPromptGrain>(batch[i]).PlanStage1Async(request));
            counts = [.. priors.Select(p => p.Draws)];
        }

        var reuse = config.ReuseOrDefault;
        if (reuse.Enabled)
        {
            long version = state.State.PolicyVersion;
            var estimates = await BoundedFanOut.RunAsync(size, _maxConcurrentCalls, i => grains.GetGrain<IPromptGrain>(batch[i]).GetEstimateAsync());
            for (int i = 0; i < size; i++)
            {
                if (reuse.CanReuse(estimates[i], RunId, version))
                {
                    counts[i] = reuse.Samples;
                }
            }
        }

        await Queue.EnqueueAsync(WorkItems(iteration, RolloutStage.Estimate, batch, counts, round: 0));
        await CommitAsync(c =>
        {
            c.Batch = batch;
            c.Stage1Counts = counts;
            c.Priors = priors;
            c.IterationBudget = config.BudgetFor(size, full);
            if (config.Allocator == AllocatorKind.Greso)
            {
                c.EpochCursor = cursor;
                c.SkippedAtPick = skipped;
            }
            c.Step = IterationStep.Estimate;
        });
    }

    // The plan is the record of each prompt's allocation (the index shows it after the update);
    // the prompts learn theirs from the stage-2 results, so planning writes only the run.
    private async Task AllocateStepAsync(RunConfig config, int iteration)
    {
        var plan = state.State.LastAllocation?.Iteration == iteration
            ? state.State.LastAllocation
            : await PlanAsync(config, iteration, state.State.Batch!);
        await Queue.EnqueueAsync(WorkItems(iteration, RolloutStage.Sample, plan.PromptIds, plan.Samples, round: 1));
        await CommitAsync(c =>
        {
            c.LastAllocation = plan;
            c.Batch = plan.PromptIds;
            c.Round = 1;
            c.RoundSamples = plan.Samples;
            c.Step = IterationStep.Sample;
        });
    }

    // The stage's work was queued by the step that moved to it.
    private async Task<bool> AwaitStageAsync(int iteration, RolloutStage stage, IterationStep next)
    {
        // Re-asserted while waiting: the directory lives in memory and may have restarted.
        await AnnounceAsync(true);
        var progress = await Queue.GetProgressAsync(iteration, stage);
        ReportQueue(progress);
        if (progress.Failures is [var failure, ..])
        {
            await CommitAsync(c => c.Failure = $"iteration {iteration}, {stage}: {failure}");
            logger.LogError("run {RunId} failed: {Failure}", RunId, state.State.Failure);
            return false;
        }

        if (!progress.Done)
        {
            return false;
        }

        // Prompts the workers could not sample were left out; the run goes on and lists them.
        KeyValuePair<string, string>[] excluded = [.. (progress.Excluded ?? []).Where(e => !state.State.Excluded.ContainsKey(e.Key))];
        if (excluded.Length > 0)
        {
            await CommitAsync(c => NoteExcluded(c, excluded));
            logger.LogWarning("run {RunId}: {Count} prompts left out, they cannot be sampled: {First}", RunId, excluded.Length, excluded[0].Value);
        }

        if (stage == RolloutStage.Sample && await NextRoundAsync(state.State.Config!, iteration))
        {
            return true;
        }

        await CommitAsync(c => c.Step = next);
        return true;
    }

    // A stage's work: counts[i] responses for batch[i]. Stage 2 is drawn in rounds (one unless
    // the allocator plans more); later rounds draw for prompts of earlier ones again, so the round
    // keeps their item ids apart.
    private RolloutWorkItem[] WorkItems(int iteration, RolloutStage stage, string[] batch, int[] counts, int round)
    {
        int n0 = state.State.Config!.Stage1Samples;
        long version = state.State.PolicyVersion;
        string suffix = stage == RolloutStage.Sample && round > 1 ? $"/r{round}" : "";
        return [.. counts.Select((n, i) => (id: batch[i], n))
            .Where(x => x.n > 0)
            .Select(x => new RolloutWorkItem(
                $"{RunId}/{iteration}/{stage}/{x.id}{suffix}",
                RunId,
                x.id,
                iteration,
                stage,
                x.n,
                version,
                // gvm-history keeps its prior in the run and combines it itself: the prompt's
                // estimate is this draw's alone.
                ExtendsEstimate: stage == RolloutStage.Estimate && x.n < n0 && state.State.Config!.Allocator != AllocatorKind.GvmHistory,
                Lineage: state.State.Lineage))];
    }

    private async Task FinishRunAsync()
    {
        await CommitAsync(_ => { });
        StopDriving();
        await AnnounceAsync(false);
        await ForgetReminderAsync();
        logger.LogInformation("run {RunId}: stopped after {Iterations} iterations", RunId, state.State.FinishedIterations);
    }

    private Task AnnounceAsync(bool active) =>
        ServedByWorkerSilos ? grains.GetGrain<IWorkerDirectoryGrain>(0).SetRunActiveAsync(RunId, active) : Task.CompletedTask;
}
