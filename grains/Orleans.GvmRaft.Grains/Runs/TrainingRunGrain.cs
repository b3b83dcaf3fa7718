using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.GvmRaft.Allocation;
using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Runs;

/// <summary>The coordinator of one training run: its API and the allocation step (the driven iteration is in the other part).</summary>
[Placement.ControlPlacementFilter]
public sealed partial class TrainingRunGrain(
    [PersistentState("run", GvmStorage.Runs)] IPersistentState<TrainingRunState> state,
    IGrainFactory grains,
    IOptions<CoordinatorOptions> options,
    TimeProvider clock,
    ILogger<TrainingRunGrain> logger) : Grain, ITrainingRunGrain, IRemindable
{
    private readonly int _maxConcurrentCalls = options.Value.MaxConcurrentCalls;

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
        });
        return Snapshot();
    }

    /// <inheritdoc />
    public Task<RunSnapshot?> GetSnapshotAsync() =>
        Task.FromResult(state.State.Config is null ? null : Snapshot());

    /// <inheritdoc />
    public async Task<IterationAllocation> AllocateAsync(int iteration, string[] promptIds)
    {
        var plan = await PlanOnceAsync(iteration, promptIds);
        await AssignAsync(plan);
        return plan;
    }

    // The plan of an iteration, made once and persisted; a repeat returns it.
    private async Task<IterationAllocation> PlanOnceAsync(int iteration, string[] promptIds)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        var config = state.State.Config ?? throw new InvalidOperationException($"unknown run '{RunId}'.");
        if (state.State.LastAllocation is { } last && last.Iteration == iteration)
        {
            if (!last.PromptIds.AsSpan().SequenceEqual(promptIds))
            {
                throw new InvalidOperationException(
                    $"run '{RunId}': iteration {iteration} was already allocated for a different batch.");
            }

            // A retry: the plan is persisted, but the assignments may not all have arrived.
            return last;
        }

        int expected = state.State.AllocatedIterations + 1;
        if (expected > config.Iterations)
        {
            throw new InvalidOperationException($"run '{RunId}' has completed its {config.Iterations} iterations.");
        }

        if (iteration != expected)
        {
            throw new ArgumentException($"run '{RunId}': the next iteration is {expected}, not {iteration}.");
        }

        ValidateBatch(promptIds, config.BatchSize);
        var plan = await PlanAsync(config, iteration, promptIds);
        var summary = new IterationSummary(
            iteration,
            promptIds.Length,
            config.Budget,
            plan.Samples.Count(n => n > 0),
            plan.Samples.Length == 0 ? 0 : plan.Samples.Max(),
            plan.Outcome,
            clock.GetUtcNow(),
            AllocationHistogram.Count(plan.Samples));

        // Persist the plan before telling the prompts, so a crash in between is repaired by a retry.
        await CommitAsync(s =>
        {
            s.AllocatedIterations = iteration;
            s.LastAllocation = plan;
            s.History.Add(summary);
        });
        return plan;
    }

    private async Task<IterationAllocation> PlanAsync(RunConfig config, int iteration, string[] promptIds)
    {
        if (config.Allocator == AllocatorKind.Uniform)
        {
            var uniform = UniformAllocator.Allocate(promptIds.Length, config.Budget);
            return new IterationAllocation(iteration, promptIds, uniform.Samples, uniform.Outcome.ToString(), []);
        }

        var estimates = await BoundedFanOut.RunAsync(
            promptIds.Length,
            _maxConcurrentCalls,
            i => grains.GetGrain<IPromptGrain>(promptIds[i]).GetEstimateAsync());
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

    private Task AssignAsync(IterationAllocation plan) =>
        BoundedFanOut.RunAsync(
            plan.PromptIds.Length,
            _maxConcurrentCalls,
            async i =>
            {
                var assignment = new AllocationAssignment(RunId, plan.Iteration, plan.Samples[i]);
                await grains.GetGrain<IPromptGrain>(plan.PromptIds[i]).AssignAllocationAsync(assignment);
                return true;
            });

    private static void ValidateBatch(string[] promptIds, int batchSize)
    {
        if (promptIds.Length == 0 || promptIds.Length > batchSize)
        {
            throw new ArgumentException($"a batch must hold between 1 and {batchSize} prompts (got {promptIds.Length}).");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string id in promptIds)
        {
            PromptDefinition.ValidateId(id);
            if (!seen.Add(id))
            {
                throw new ArgumentException($"prompt '{id}' appears twice in the batch.");
            }
        }
    }

    private RunSnapshot Snapshot()
    {
        var s = state.State;
        var config = s.Config!;
        int done = s.Driven ? s.FinishedIterations : s.AllocatedIterations;
        var phase = done >= config.Iterations ? RunPhase.Completed
            : s.Failure is not null ? RunPhase.Failed
            : s.Paused ? RunPhase.Paused
            : s.Driven || done > 0 ? RunPhase.Running
            : RunPhase.Created;
        return new RunSnapshot(
            RunId, config, phase, done, [.. s.History], s.CreatedAt, s.Step, s.PolicyVersion, s.Failure ?? _lastError, s.InitialAccuracy, s.Samples, DrivingSeconds());
    }

    // Driven steps interleave with the API calls, so writes take turns.
    private async Task CommitAsync(Action<TrainingRunState> change)
    {
        await _writeLock.WaitAsync();
        try
        {
            await state.CommitAsync(c => c.Copy(), c =>
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
