using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Workers;

/// <summary>
/// Which trainer grain serves a run. Two grain classes implement <see cref="IPolicyTrainerGrain"/>,
/// so a reference names its grain type: the model trainer on the worker silos, or, for a policy
/// whose rollouts come from outside the cluster, a trainer that only numbers the versions.
/// </summary>
public static class PolicyTrainers
{
    /// <summary>The grain type of the model trainer (gpu-worker).</summary>
    public const string ModelTrainer = "policytrainer";

    /// <summary>The grain type of the trainer of <see cref="PolicySettings.External"/> policies.</summary>
    public const string ExternalTrainer = "externaltrainer";

    /// <summary>The model trainer of run <paramref name="runId"/>.</summary>
    public static IPolicyTrainerGrain Model(IGrainFactory grains, string runId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains.GetGrain<IPolicyTrainerGrain>(GrainId.Create(ModelTrainer, runId));
    }

    /// <summary>The trainer of run <paramref name="runId"/>, whose policy is <paramref name="settings"/>.</summary>
    public static IPolicyTrainerGrain For(IGrainFactory grains, string runId, PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(settings);
        string type = settings.Preset == PolicySettings.External ? ExternalTrainer : ModelTrainer;
        return grains.GetGrain<IPolicyTrainerGrain>(GrainId.Create(type, runId));
    }
}
