using System.Collections.Concurrent;
using Orleans.GvmRaft.Telemetry;

namespace Orleans.GvmRaft.Workers;

/// <summary>
/// The live workers and the runs that want rollouts. Held in memory only: workers heartbeat every
/// few seconds and driven runs re-assert themselves whenever they queue work, so a restarted directory
/// is whole again within a heartbeat.
/// </summary>
[Placement.ControlPlacementFilter]
public sealed class WorkerDirectoryGrain(TimeProvider clock) : Grain, IWorkerDirectoryGrain
{
    private static readonly TimeSpan Liveness = TimeSpan.FromSeconds(10);
    private readonly HashSet<string> _activeRuns = new(StringComparer.Ordinal);
    // Concurrent: the metrics exporter counts the live workers on its own thread.
    private readonly ConcurrentDictionary<string, WorkerStatus> _workers = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        GvmMetrics.ReportLiveWorkers(GvmMetrics.SiloTag(this), () => Live().Count());
        return base.OnActivateAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        GvmMetrics.ReportLiveWorkers(GvmMetrics.SiloTag(this), null);
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <inheritdoc />
    public Task<string[]> HeartbeatAsync(WorkerStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        _workers[status.WorkerId] = status with { SeenAt = clock.GetUtcNow() };
        return Task.FromResult(_activeRuns.Order(StringComparer.Ordinal).ToArray());
    }

    /// <inheritdoc />
    public Task SetRunActiveAsync(string runId, bool active)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (active)
        {
            _activeRuns.Add(runId);
        }
        else
        {
            _activeRuns.Remove(runId);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<WorkerStatus[]> GetWorkersAsync() =>
        Task.FromResult(Live().OrderByDescending(w => w.Rollouts).ToArray());

    private IEnumerable<WorkerStatus> Live()
    {
        var since = clock.GetUtcNow() - Liveness;
        return _workers.Values.Where(w => w.SeenAt >= since);
    }
}
