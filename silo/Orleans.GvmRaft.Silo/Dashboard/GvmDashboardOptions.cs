using System.Net;
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
    public IEnumerable<string> Validate()
    {
        if (!IPAddress.TryParse(Address, out _))
        {
            yield return $"{SectionName}:Address must be an IP address (got '{Address}').";
        }

        if (Port is < 1 or > 65535)
        {
            yield return $"{SectionName}:Port must be between 1 and 65535 (got {Port}).";
        }
    }
}
