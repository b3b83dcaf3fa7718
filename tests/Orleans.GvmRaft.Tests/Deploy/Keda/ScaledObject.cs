using k8s;
using k8s.Models;

namespace Orleans.GvmRaft.Tests.Deploy.Keda;

/// <summary>
/// KEDA's ScaledObject (keda.sh/v1alpha1), typed with the fields of its custom resource definition
/// that the manifests may use, so strict loading refuses any other.
/// </summary>
public sealed class ScaledObject : IKubernetesObject<V1ObjectMeta>
{
    /// <inheritdoc />
    public string ApiVersion { get; set; } = "";

    /// <inheritdoc />
    public string Kind { get; set; } = "";

    /// <inheritdoc />
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What is scaled, within which bounds, on what.</summary>
    public ScaledObjectSpec Spec { get; set; } = new();
}
