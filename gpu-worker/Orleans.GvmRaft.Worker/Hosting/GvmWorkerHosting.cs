using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.GvmRaft.Configuration;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Worker.Checkpoints;
using Orleans.GvmRaft.Worker.Rollouts;
using Orleans.GvmRaft.Worker.Training;

namespace Orleans.GvmRaft.Worker.Hosting;

/// <summary>Turns a silo into a gpu-worker silo: the worker grains, their options, and a rollout worker started with the silo.</summary>
public static class GvmWorkerHosting
{
    /// <summary>
    /// Adds the worker services. The silo must also declare the worker role in its metadata
    /// (<c>AddGvmSilo(role: WorkerRole.Worker)</c>), or no worker grain is placed on it.
    /// </summary>
    public static ISiloBuilder AddGvmWorker(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddValidatedOptions<WorkerOptions>(configuration);
        silo.Services.AddValidatedOptions<CheckpointOptions>(configuration);
        silo.Services.AddSingleton<ICheckpointStore>(sp => CheckpointStores.Create(sp.GetRequiredService<IOptions<CheckpointOptions>>().Value, configuration));
        silo.Services.AddSingleton<WarmupCache>();
        silo.Services.AddSingleton<WorkerStarter>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<WorkerStarter>());
        return silo;
    }
}
