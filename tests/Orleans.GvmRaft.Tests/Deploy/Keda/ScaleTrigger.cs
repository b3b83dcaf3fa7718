namespace Orleans.GvmRaft.Tests.Deploy.Keda;

/// <summary>One trigger of a <see cref="ScaledObject"/>: a scaler type and its metadata.</summary>
public sealed class ScaleTrigger
{
    /// <summary>The scaler, e.g. prometheus.</summary>
    public string Type { get; set; } = "";

    /// <summary>The trigger's name.</summary>
    public string? Name { get; set; }

    /// <summary>The metric's target type (AverageValue by default).</summary>
    public string? MetricType { get; set; }

    /// <summary>The scaler's settings (for prometheus: serverAddress, query, threshold).</summary>
    public Dictionary<string, string> Metadata { get; set; } = [];
}
