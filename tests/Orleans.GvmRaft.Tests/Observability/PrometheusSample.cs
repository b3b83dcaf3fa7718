namespace Orleans.GvmRaft.Tests.Observability;

/// <summary>One line of a Prometheus text exposition: a metric name, its labels and its value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>Whether the sample carries <paramref name="label"/> = <paramref name="value"/>.</summary>
    public bool Has(string label, string value) => Labels.TryGetValue(label, out string? v) && v == value;
}
