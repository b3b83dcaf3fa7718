using Orleans.GvmRaft.Configuration;

namespace Orleans.GvmRaft.Silo.Dashboard;

/// <summary>The Orleans dashboard (section <c>Gvm:Dashboard</c>): off unless enabled, and on loopback unless told otherwise.</summary>
public sealed class GvmDashboardOptions : IValidatableOptions
{
    /// <inheritdoc />
    public static string SectionName => "Gvm:Dashboard";

    /// <summary>Serve the dashboard from this silo.</summary>
    public bool Enabled { get; set; }

    /// <summary>The address it listens on; anything but loopback exposes cluster internals to the network.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The HTTP port.</summary>
    public int Port { get; set; } = 8080;

    /// <inheritdoc />
    public IEnumerable<string> Validate() => HttpEndpointSettings.Validate(SectionName, Address, Port);
}
