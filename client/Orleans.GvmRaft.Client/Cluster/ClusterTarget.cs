using Microsoft.Extensions.Configuration;
using Orleans.GvmRaft.Silo.Backends;

namespace Orleans.GvmRaft.Client.Cluster;

/// <summary>Which cluster a client connects to and how it finds the gateways.</summary>
/// <param name="Clustering">Localhost (the gateway port), or the PostgreSQL, Redis or Azure Table membership table.</param>
/// <param name="GatewayPort">The gateway port on this machine (localhost clustering).</param>
/// <param name="ClusterId">The cluster id.</param>
/// <param name="ServiceId">The service id.</param>
/// <param name="Configuration">Where connection strings come from (the environment).</param>
/// <param name="Tls">The client's certificate and the cluster's CA, when the cluster uses TLS.</param>
/// <param name="ResponseTimeout">How long one call may wait for its answer; Orleans' default (30 s) when null.</param>
public sealed record ClusterTarget(ClusteringKind Clustering, int GatewayPort, string ClusterId, string ServiceId, IConfiguration Configuration, ClusterTlsOptions? Tls = null, TimeSpan? ResponseTimeout = null);
