using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Worker.Compute;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Worker.Rollouts;

/// <summary>
/// A worker silo's rollout worker (one per device in <c>Gvm:Worker:Devices</c>, else one): a hosted
/// service, not a grain, because its work is a loop of generations that may each take minutes,
/// which Orleans expects no grain turn to hold. Two loops run side by side once the silo is active:
/// <list type="bullet">
/// <item>the heartbeat, every <see cref="WorkerOptions.HeartbeatInterval"/> whatever the work is
/// doing, which also learns the runs that want rollouts;</item>
/// <item>the work: each pass gives every such run one claim (up to <see cref="WorkerOptions.ClaimSize"/>
/// items), starting one run later each pass, so concurrent runs share the worker by turns; the
/// models of runs that ended or paused are disposed at the start of each pass.</item>
/// </list>
/// </summary>
public sealed class RolloutWorkerService : BackgroundService, ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    private readonly IGrainFactory _grains;
    private readonly WorkerOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<RolloutWorkerService> _logger;
    private readonly string _silo;
    private readonly DateTimeOffset _startedAt;
    private readonly TaskCompletionSource _siloActive = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _siloStopping = new();
    private readonly ClaimProcessor _claims;
    private string[] _runs = [];
    private bool _heartbeatFailing;

    /// <summary>A rollout worker of this silo, on <paramref name="device"/> (null: the device each run names).</summary>
    public RolloutWorkerService(
        IGrainFactory grains,
        ICheckpointStore store,
        DeviceSchedulers schedulers,
        IOptions<WorkerOptions> options,
        ILocalSiloDetails silo,
        TimeProvider clock,
        ILogger<RolloutWorkerService> logger,
        string? device = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(silo);
        _grains = grains;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _silo = silo.Name;
        _startedAt = clock.GetUtcNow();
        WorkerId = device is null ? $"worker-{silo.Name}" : $"worker-{silo.Name}-{device.Replace(':', '-')}";
        Policies = new RunPolicies(grains, store, schedulers, _options.SampleBatch, device, logger);
        var ledger = _options.Ledger.Length > 0 ? new CompletionLedger(_options.Ledger, WorkerId) : null;
        _claims = new ClaimProcessor(WorkerId, grains, Policies, schedulers, _options.ClaimSize, ledger, clock, logger);
    }

    /// <summary>This worker's id, in its leases and the worker directory.</summary>
    public string WorkerId { get; }

    /// <summary>The models this worker holds, per run. Read it only while the worker is idle (tests).</summary>
    public RunPolicies Policies { get; }

    /// <summary>What the worker has done so far, as its heartbeat reports it.</summary>
    public WorkerStatus Status => new(WorkerId, _silo, _clock.GetUtcNow(), _claims.Items, _claims.Rollouts, _claims.PolicyVersion, _startedAt);

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe<RolloutWorkerService>(ServiceLifecycleStage.Active, OnSiloActiveAsync, OnSiloStoppingAsync);
    }

    /// <inheritdoc />
    /// <remarks>The host stops this before the silo: the claim in hand is waited for a bounded time only.</remarks>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(StopGrace);
        await base.StopAsync(bounded.Token);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _siloStopping.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _siloStopping.Token);
        try
        {
            // Grain calls need an active silo; the host may start this service before the silo.
            await _siloActive.Task.WaitAsync(stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await Task.WhenAll(HeartbeatLoopAsync(heard, stopping.Token), WorkLoopAsync(heard.Task, stopping.Token));
    }

    private Task OnSiloActiveAsync(CancellationToken cancellationToken)
    {
        _siloActive.TrySetResult();
        return Task.CompletedTask;
    }

    // The silo stops its grains after this stage: the loops end first, finishing the claim in
    // hand (its results are not lost) while calls still go through, but for a bounded time only:
    // a call stuck on a stopping cluster must not hold the silo's shutdown.
    private async Task OnSiloStoppingAsync(CancellationToken cancellationToken)
    {
        await _siloStopping.CancelAsync();
        if (ExecuteTask is { } running)
        {
            await running.WaitAsync(StopGrace, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task HeartbeatLoopAsync(TaskCompletionSource heard, CancellationToken stopping)
    {
        using var ticks = new PeriodicTimer(_options.HeartbeatInterval, _clock);
        do
        {
            try
            {
                Volatile.Write(ref _runs, await _grains.GetGrain<IWorkerDirectoryGrain>(0).HeartbeatAsync(Status).WaitAsync(stopping));
                heard.TrySetResult();
                if (_heartbeatFailing)
                {
                    _heartbeatFailing = false;
                    _logger.LogInformation("worker {WorkerId}: heartbeats go through again", WorkerId);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Said once per stretch of failures, not once a beat: the cluster may be healing.
                if (!_heartbeatFailing)
                {
                    _heartbeatFailing = true;
                    _logger.LogWarning(e, "worker {WorkerId}: heartbeat failed; retrying every {Interval}", WorkerId, _options.HeartbeatInterval);
                }
            }
        }
        while (await Tick(ticks, stopping));
    }

    private async Task WorkLoopAsync(Task heard, CancellationToken stopping)
    {
        try
        {
            await heard.WaitAsync(stopping);
            for (int pass = 0; !stopping.IsCancellationRequested; pass++)
            {
                string[] runs = Volatile.Read(ref _runs);
                bool worked = false;
                try
                {
                    Policies.ReleaseExcept(runs);
                }
                catch (Exception e) when (!stopping.IsCancellationRequested)
                {
                    _logger.LogWarning(e, "worker {WorkerId}: releasing the models of ended runs failed", WorkerId);
                }

                for (int k = 0; k < runs.Length && !stopping.IsCancellationRequested; k++)
                {
                    string runId = runs[(pass + k) % runs.Length];
                    try
                    {
                        worked |= await _claims.ServeAsync(runId);
                    }
                    catch (Exception e) when (!stopping.IsCancellationRequested)
                    {
                        // The leases run out and the work is issued again; nothing is lost. Any
                        // error, a cancellation from a store's timeout included, stays with the run.
                        _logger.LogWarning(e, "worker {WorkerId}: work for run {RunId} failed", WorkerId, runId);
                    }
                }

                if (!worked)
                {
                    await Task.Delay(_options.PollInterval, _clock, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The silo is stopping.
        }
        finally
        {
            Policies.Dispose();
        }
    }

    private static async Task<bool> Tick(PeriodicTimer ticks, CancellationToken stopping)
    {
        try
        {
            return await ticks.WaitForNextTickAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
