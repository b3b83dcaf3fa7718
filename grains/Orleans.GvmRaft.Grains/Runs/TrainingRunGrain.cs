using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.GvmRaft.Allocation;
using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Runs;

/// <summary>The coordinator of one training run: its API and the allocation (the driven iteration is in the other part).</summary>
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

        if (config.Allocator == AllocatorKind.Uniform)
        {
            var uniform = UniformAllocator.Allocate(promptIds.Length, config.Budget);
            return new IterationAllocation(iteration, promptIds, uniform.Samples, uniform.Outcome.ToString(), []);
        }

        var estimates = await BatchEstimatesAsync(iteration, promptIds);
        var acceptRates = new double[promptIds.Length];
        var gradNorms = new double[promptIds.Length];
        var missing = new List<string>();
        for (int i = 0; i < estimates.Length; i++)
        {
            if (estimates[i] is { } estimate)
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
        var result = GvmAllocator.Allocate(acceptRates, gradNorms, config.Budget, gvm);
        return new IterationAllocation(iteration, promptIds, result.Samples, result.Outcome.ToString(), [.. missing]);
    }

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
            : s.Paused ? RunPhase.Paused
            : s.Driven ? RunPhase.Running
            : RunPhase.Created;
        return new RunSnapshot(
            RunId, config, phase, s.FinishedIterations, [.. s.History], s.CreatedAt, s.Step, s.PolicyVersion, s.Failure ?? _lastError, s.InitialAccuracy, s.Samples, DrivingSeconds(), s.Prepared);
    }

    // Driven steps interleave with the API calls, so writes take turns. Every write also stores
    // the time driven so far (c.Seconds), which a change may read.
    private async Task CommitAsync(Action<TrainingRunState> change)
    {
        await _writeLock.WaitAsync();
        try
        {
            await state.CommitAsync(this, c =>
            {
                c.Seconds = DrivingSeconds();
                change(c);
            });
            _drivingSince = _drivingSince is null ? null : clock.GetUtcNow();
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
