namespace Orleans.GvmRaft.Tests.Deploy.Keda;

/// <summary>The spec of a <see cref="ScaledObject"/>.</summary>
public sealed class ScaledObjectSpec
{
    /// <summary>The workload scaled.</summary>
    public ScaleTarget ScaleTargetRef { get; set; } = new();

    /// <summary>Seconds between checks of the triggers.</summary>
    public int? PollingInterval { get; set; }

    /// <summary>Seconds after the last active trigger before scaling to the minimum.</summary>
    public int? CooldownPeriod { get; set; }

    /// <summary>The fewest replicas.</summary>
    public int? MinReplicaCount { get; set; }

    /// <summary>The most replicas.</summary>
    public int? MaxReplicaCount { get; set; }

    /// <summary>Settings passed to the HorizontalPodAutoscaler KEDA creates.</summary>
    public AdvancedScaling? Advanced { get; set; }

    /// <summary>What drives the scaling.</summary>
    public List<ScaleTrigger> Triggers { get; set; } = [];
}
