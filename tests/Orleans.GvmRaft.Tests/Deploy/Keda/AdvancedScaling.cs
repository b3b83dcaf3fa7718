using k8s.Models;

namespace Orleans.GvmRaft.Tests.Deploy.Keda;

/// <summary>A <see cref="ScaledObject"/>'s <c>advanced</c> section: the HorizontalPodAutoscaler's behaviour.</summary>
public sealed class AdvancedScaling
{
    /// <summary>The HPA KEDA creates.</summary>
    public HpaConfig? HorizontalPodAutoscalerConfig { get; set; }

    /// <summary>Whether the replica count is restored when the ScaledObject is deleted.</summary>
    public bool? RestoreToOriginalReplicaCount { get; set; }

    /// <summary>The HPA's name and scaling behaviour (Kubernetes' own type).</summary>
    public sealed class HpaConfig
    {
        /// <summary>The HPA's name.</summary>
        public string? Name { get; set; }

        /// <summary>Scale-up and scale-down policies.</summary>
        public V2HorizontalPodAutoscalerBehavior? Behavior { get; set; }
    }
}
