namespace Orleans.GvmRaft.Tests.Deploy.Keda;

/// <summary>The workload a <see cref="ScaledObject"/> scales (a Deployment unless told otherwise).</summary>
public sealed class ScaleTarget
{
    /// <summary>Its API version, apps/v1 when left out.</summary>
    public string? ApiVersion { get; set; }

    /// <summary>Its kind, Deployment when left out.</summary>
    public string? Kind { get; set; }

    /// <summary>Its name.</summary>
    public string Name { get; set; } = "";
}
