using Microsoft.Extensions.Logging;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Worker.Hosting;

/// <summary>
/// Once the silo is active, starts its rollout worker (placed on this silo: prefer-local), and
/// keeps it started for the life of the silo.
/// </summary>
/// <remarks>
/// Orleans may deactivate the worker grain while the silo lives: when the silo that held the grain
/// directory partition for its id dies, every activation registered there is deactivated. Nothing
/// would call the worker again, so the worker silo would sit idle while runs wait for rollouts.
/// Asking it to start every second (idempotent, a local call) brings it back within a second.
/// </remarks>
public sealed class WorkerStarter(IGrainFactory grains, ILocalSiloDetails silo, ILogger<WorkerStarter> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan KeepStartedEvery = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _stopping = new();
    private Task _keepStarted = Task.CompletedTask;

    /// <summary>This silo's worker id.</summary>
    public string WorkerId => $"worker-{silo.Name}";

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe<WorkerStarter>(ServiceLifecycleStage.Active, StartAsync, StopAsync);
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        await grains.GetGrain<IPolicyWorkerGrain>(WorkerId).StartAsync();
        _keepStarted = KeepStartedAsync(_stopping.Token);
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _keepStarted;
    }

    private async Task KeepStartedAsync(CancellationToken stopping)
    {
        using var ticks = new PeriodicTimer(KeepStartedEvery);
        try
        {
            while (await ticks.WaitForNextTickAsync(stopping))
            {
                try
                {
                    await grains.GetGrain<IPolicyWorkerGrain>(WorkerId).StartAsync();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The cluster may be healing (a silo just died); the next tick tries again.
                    logger.LogWarning(e, "worker {WorkerId}: could not (re)start the rollout worker; retrying", WorkerId);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The silo is stopping.
        }
    }
}
