using Orleans.GvmRaft.Configuration;

namespace Orleans.GvmRaft.Silo.Observability;

/// <summary>
/// The silo's operations endpoint (section <c>Gvm:Metrics</c>): Prometheus metrics on
/// <c>/metrics</c> and the probes <c>/healthz</c> and <c>/readyz</c>. Off unless enabled, and on
/// loopback unless an address is configured (in a pod, <c>0.0.0.0</c>, so Prometheus and the
/// kubelet reach it).
/// </summary>
public sealed class GvmMetricsOptions : IValidatableOptions
{
    /// <inheritdoc />
    public static string SectionName => "Gvm:Metrics";

    /// <summary>Serve the endpoint.</summary>
    public bool Enabled { get; set; }

    /// <summary>The address it listens on.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The HTTP port (9464 is the port OpenTelemetry's Prometheus exporters use by convention).</summary>
    public int Port { get; set; } = 9464;

    /// <inheritdoc />
    public IEnumerable<string> Validate() => HttpEndpointSettings.Validate(SectionName, Address, Port);
}
