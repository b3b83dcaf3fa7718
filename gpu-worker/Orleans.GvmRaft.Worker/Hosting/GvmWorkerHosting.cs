using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.GvmRaft.Configuration;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Worker.Checkpoints;
using Orleans.GvmRaft.Worker.Compute;
using Orleans.GvmRaft.Worker.Rollouts;
using Orleans.GvmRaft.Worker.Training;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Worker.Hosting;

/// <summary>Turns a silo into a gpu-worker silo: the trainer grain, the rollout workers (hosted services), and their options.</summary>
public static class GvmWorkerHosting
{
    /// <summary>
    /// Adds the worker services: the trainers' job service, and the rollout workers unless
    /// <c>Gvm:Worker:Role</c> is <c>trainer</c>. The silo must also declare the worker role in its
    /// metadata (<c>AddGvmSilo(role: WorkerRole.Worker)</c>, narrowed by the same setting), or no
    /// trainer is placed on it.
    /// </summary>
    public static ISiloBuilder AddGvmWorker(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddValidatedOptions<WorkerOptions>(configuration);
        silo.Services.AddValidatedOptions<CheckpointOptions>(configuration);
        silo.Services.AddSingleton<ICheckpointStore>(sp => CheckpointStores.Create(sp.GetRequiredService<IOptions<CheckpointOptions>>().Value, configuration));
        silo.Services.AddSingleton<WarmupCache>();
        silo.Services.AddSingleton<DeviceSchedulers>();
        silo.Services.AddSingleton<TrainerJobs>();
        silo.Services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<TrainerJobs>());

        // One rollout worker per device named, else one on the device each run names; none on a
        // trainer-only silo.
        var options = configuration.GetSection(WorkerOptions.SectionName).Get<WorkerOptions>() ?? new WorkerOptions();
        string[] devices = options.Devices;
        string?[] slots = !WorkerRole.RollsOut(WorkerRole.OfSetting(options.Role)) ? [] : devices.Length == 0 ? new string?[] { null } : devices;
        for (int i = 0; i < slots.Length; i++)
        {
            string? device = slots[i];
            object key = i;
            silo.Services.AddKeyedSingleton(key, (sp, _) => device is null
                ? ActivatorUtilities.CreateInstance<RolloutWorkerService>(sp)
                : ActivatorUtilities.CreateInstance<RolloutWorkerService>(sp, device));
            silo.Services.AddSingleton<IHostedService>(sp => sp.GetRequiredKeyedService<RolloutWorkerService>(key));
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredKeyedService<RolloutWorkerService>(key));
        }

        return silo;
    }
}
