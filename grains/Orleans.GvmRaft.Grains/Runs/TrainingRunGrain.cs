using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.GvmRaft.Allocation;
using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Runs;

/// <summary>
/// The coordinator of one training run: its API, its fields and the allocation. The other parts:
/// the driven iteration (Driving), online rounds (Rounds), the iteration's end (Finishing), and
/// metrics (Telemetry).
/// </summary>
[Placement.ControlPlacementFilter]
public sealed partial class TrainingRunGrain(
    [PersistentState("run", GvmStorage.Runs)] IPersistentState<TrainingRunState> state,
    IGrainFactory grains,
    IOptions<CoordinatorOptions> options,
    TimeProvider clock,
    ILogger<TrainingRunGrain> logger) : Grain, ITrainingRunGrain, IRemindable
{
    private readonly int _maxConcurrentCalls = options.Value.MaxConcurrentCalls;
    private readonly TimeSpan _tickPeriod = options.Value.TickPeriod;
    private readonly int _recentIterations = options.Value.RecentIterations;

    // This activation's driving: the timer that ticks while the run drives (null otherwise), when
    // driving began (the time driven is persisted with every write), the last step's error, and
    // the step last logged.
    private IGrainTimer? _timer;
    private DateTimeOffset? _drivingSince;
    private string? _lastError;
    private (int Finished, IterationStep Step)? _loggedStep;

    // The step this activation last saw, since when, and whether it saw that step begin: a step
    // it took over midway (after a restart) is not timed, nor is the iteration around it.
    private (int Finished, IterationStep Step, DateTimeOffset Since, bool Timed)? _phase;
    private DateTimeOffset? _iterationSince;

    private string RunId => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public async Task<RunSnapshot> CreateAsync(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (state.State.Config is { } existing)
        {
            return existing == config
                ? Snapshot()
                : throw new InvalidOperationException($"run '{RunId}' already exists with a different configuration.");
        }

        // Checked for new runs only: a run stored before the rule existed stays reachable.
        RunIds.Validate(RunId);
        if (state.State.Deleted)
        {
            throw new InvalidOperationException($"run id '{RunId}' belonged to a deleted run, whose visits its prompts still record under that id: give the new run another id.");
        }


        await CommitAsync(s =>
        {
            s.Config = config;
            s.CreatedAt = clock.GetUtcNow();
            s.HistoryArchived = true;
        });
        return Snapshot();
    }

    /// <inheritdoc />
    public Task<RunSnapshot?> GetSnapshotAsync() =>
        Task.FromResult(state.State.Config is null ? null : Snapshot());

    /// <inheritdoc />
    public async Task<IterationSummary[]> GetIterationsAsync(int after, int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(after);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        // A copy: an iteration may finish (and trim the recent list) while the pages are read.
        var recent = state.State.History.ToArray();
        int last = (int)Math.Min(state.State.FinishedIterations, (long)after + max);
        int firstRecent = recent.Length > 0 ? recent[0].Iteration : last + 1;
        var older = new List<IterationSummary>();
        for (int page = after / IRunHistoryGrain.PageSize; page * IRunHistoryGrain.PageSize < Math.Min(firstRecent - 1, last); page++)
        {
            older.AddRange(await grains.GetGrain<IRunHistoryGrain>($"{RunId}/{page}").GetAsync());
        }

        return [.. older.Where(h => h.Iteration > after && h.Iteration < firstRecent).Concat(recent.Where(h => h.Iteration > after)).Where(h => h.Iteration <= last)];
    }

    private async Task<IterationAllocation> PlanAsync(RunConfig config, int iteration, string[] promptIds)
    {
        if (DrawsInRounds(config))
        {
            return await PlanFirstRoundAsync(config, iteration, promptIds);
        }

        if (config.Allocator is AllocatorKind.Knapsack or AllocatorKind.Greso)
        {
            int[] samples = await PlanFromVisitsAsync(config, iteration, promptIds);
            return new IterationAllocation(iteration, promptIds, samples, config.Allocator.ToString(), []);
        }

        if (config.Allocator == AllocatorKind.Uniform)
        {
            var uniform = UniformAllocator.Allocate(promptIds.Length, IterationBudget(config));
            return new IterationAllocation(iteration, promptIds, uniform.Samples, uniform.Outcome.ToString(), []);
        }

        var estimates = await BatchEstimatesAsync(iteration, promptIds);
        var acceptRates = new double[promptIds.Length];
        var gradNorms = new double[promptIds.Length];
        var missing = new List<string>();
        var priors = config.Allocator == AllocatorKind.GvmHistory ? state.State.Priors : null;
        for (int i = 0; i < estimates.Length; i++)
        {
            if (priors is not null && i < priors.Length)
            {
                // A prompt that drew no stage 1 has only its prior: the estimate the prompt holds is older.
                (acceptRates[i], gradNorms[i]) = priors[i].Combine(state.State.Stage1Counts![i] > 0 ? estimates[i] : null);
            }
            else if (estimates[i] is { } estimate)
            {
                acceptRates[i] = estimate.AcceptRate;
                gradNorms[i] = estimate.GradNorm;
            }
            else
            {
                missing.Add(promptIds[i]);
            }
        }

        var gvm = new GvmAllocationOptions(config.Alpha, config.Beta, config.FilterThreshold, config.FilterInsufficient);
        var result = GvmAllocator.Allocate(acceptRates, gradNorms, IterationBudget(config), gvm);
        return new IterationAllocation(iteration, promptIds, result.Samples, result.Outcome.ToString(), [.. missing]);
    }

    // N of the iteration in progress, as its pick fixed it.
    private int IterationBudget(RunConfig config) => state.State.IterationBudget ?? config.Budget;

    // The estimates stage 1 left, as the queue recorded them with the results; a prompt the queue
    // holds none for (no stage-1 item, e.g. a reused estimate) is asked directly.
    private async Task<PromptEstimate?[]> BatchEstimatesAsync(int iteration, string[] promptIds)
    {
        var records = await IterationRecordsAsync(iteration);
        var estimates = promptIds.Select(id => records.TryGetValue(id, out var r) ? r.Estimate : null).ToArray();
        int[] missing = [.. Enumerable.Range(0, promptIds.Length).Where(i => estimates[i] is null)];
        var asked = await BoundedFanOut.RunAsync(missing.Length, _maxConcurrentCalls, j => grains.GetGrain<IPromptGrain>(promptIds[missing[j]]).GetEstimateAsync());
        for (int j = 0; j < missing.Length; j++)
        {
            estimates[missing[j]] = asked[j];
        }

        return estimates;
    }

    private RunSnapshot Snapshot()
    {
        var s = state.State;
        var config = s.Config!;
        var phase = config.IsComplete(s.FinishedIterations, s.Samples) ? RunPhase.Completed
            : s.Failure is not null ? RunPhase.Failed
            : s.Stopped ? RunPhase.Stopped
            : s.Paused ? RunPhase.Paused
            : s.Driven ? RunPhase.Running
            : RunPhase.Created;
        return new RunSnapshot(
            RunId, config, phase, s.FinishedIterations, [.. s.History], s.CreatedAt, s.Step, s.PolicyVersion, s.Failure ?? _lastError, s.InitialAccuracy, s.Samples, DrivingSeconds(), s.Prepared, [.. s.Excluded.Values], s.ExcludedCount);
    }

    // Only non-interleaving turns write, so writes never overlap. Every write also stores the
    // time driven so far (c.Seconds), which a change may read.
    private async Task CommitAsync(Action<TrainingRunState> change)
    {
        await state.CommitAsync(this, c =>
        {
            c.Seconds = DrivingSeconds();
            c.QueuesBeforeMoving = true;
            change(c);
        });
        _drivingSince = _drivingSince is null ? null : clock.GetUtcNow();
    }
}
