using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Worker.Hosting;

/// <summary>Once the silo is active, starts its rollout worker (placed on this silo: prefer-local).</summary>
public sealed class WorkerStarter(IGrainFactory grains, ILocalSiloDetails silo) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>This silo's worker id.</summary>
    public string WorkerId => $"worker-{silo.Name}";

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe<WorkerStarter>(ServiceLifecycleStage.Active, _ => grains.GetGrain<IPolicyWorkerGrain>(WorkerId).StartAsync());
    }
}
