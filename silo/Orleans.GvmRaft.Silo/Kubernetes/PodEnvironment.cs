namespace Orleans.GvmRaft.Silo.Kubernetes;

/// <summary>
/// Whether the process runs in a Kubernetes pod that declared itself to Orleans' Kubernetes
/// hosting: the API server's address (set by Kubernetes in every pod) and the pod's name and
/// namespace (set by the manifests through the downward API). Only then does the silo call
/// <c>UseKubernetesHosting</c>, so the same binary runs on a laptop, in Docker and in a cluster.
/// </summary>
public static class PodEnvironment
{
    /// <summary>Set by Kubernetes in every container.</summary>
    public const string ApiServerHost = "KUBERNETES_SERVICE_HOST";

    /// <summary>The variables the manifests set from the pod's metadata.</summary>
    public static readonly string[] PodVariables = ["POD_NAME", "POD_NAMESPACE", "POD_IP"];

    /// <summary>True when every variable above is set (read through <paramref name="variable"/>).</summary>
    public static bool IsPod(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        return !string.IsNullOrEmpty(variable(ApiServerHost)) && PodVariables.All(v => !string.IsNullOrEmpty(variable(v)));
    }
}
