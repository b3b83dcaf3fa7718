using System.Net;

namespace Orleans.GvmRaft.Silo;

/// <summary>The checks every HTTP endpoint of a silo (the dashboard, the metrics) makes of its address and port.</summary>
public static class HttpEndpointSettings
{
    /// <summary>The errors of <paramref name="address"/> and <paramref name="port"/>, named under <paramref name="section"/>.</summary>
    public static IEnumerable<string> Validate(string section, string address, int port)
    {
        if (!IPAddress.TryParse(address, out _))
        {
            yield return $"{section}:Address must be an IP address (got '{address}').";
        }

        if (port is < 1 or > 65535)
        {
            yield return $"{section}:Port must be between 1 and 65535 (got {port}).";
        }
    }
}
