namespace Orleans.GvmRaft.Silo.Backends;

/// <summary>The cluster a silo forms and a client looks for when nothing else is configured.</summary>
public static class ClusterDefaults
{
    /// <summary>The primary silo's gateway port on loopback.</summary>
    public const int GatewayPort = 30000;

    /// <summary>The cluster id.</summary>
    public const string ClusterId = "gvm-local";

    /// <summary>The service id (it keys grain state, so silos and clients must agree).</summary>
    public const string ServiceId = "orleans-gvmraft";
}
