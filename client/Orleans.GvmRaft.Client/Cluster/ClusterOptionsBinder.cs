using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Orleans.GvmRaft.Silo.Backends;

namespace Orleans.GvmRaft.Client.Cluster;

/// <summary>
/// The options every cluster command shares: how to find the cluster's gateways and which cluster
/// it is. Defaults match a silo started with no configuration; GVM_CLUSTERING, GVM_GATEWAY_PORT,
/// GVM_CLUSTER_ID and GVM_SERVICE_ID override them. Connection strings come from the environment
/// only (ConnectionStrings__PostgreSql, ConnectionStrings__Redis), never from the command line,
/// where other users of the machine could read them.
/// </summary>
public sealed class ClusterOptionsBinder
{

    private readonly Option<int> _gatewayPort;
    private readonly Option<string> _clusterId;
    private readonly Option<string> _serviceId;
    private readonly Option<double> _connectTimeout;
    private readonly Option<ClusteringKind> _clustering;

    /// <summary>Creates the options.</summary>
    public ClusterOptionsBinder()
    {
        _gatewayPort = new Option<int>("--gateway-port")
        {
            Description = "Gateway port of a silo on this machine (env GVM_GATEWAY_PORT).",
            Recursive = true,
            DefaultValueFactory = _ => int.TryParse(Environment.GetEnvironmentVariable("GVM_GATEWAY_PORT"), out int port) ? port : ClusterDefaults.GatewayPort,
        };
        _clusterId = new Option<string>("--cluster-id")
        {
            Description = "Cluster id of the silo (env GVM_CLUSTER_ID).",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("GVM_CLUSTER_ID") ?? ClusterDefaults.ClusterId,
        };
        _serviceId = new Option<string>("--service-id")
        {
            Description = "Service id of the silo (env GVM_SERVICE_ID).",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("GVM_SERVICE_ID") ?? ClusterDefaults.ServiceId,
        };
        _clustering = new Option<ClusteringKind>("--clustering")
        {
            Description = "How to find the gateways: Localhost (the port below), PostgreSql or Redis (their membership table; env GVM_CLUSTERING).",
            Recursive = true,
            DefaultValueFactory = _ => Enum.TryParse(Environment.GetEnvironmentVariable("GVM_CLUSTERING"), ignoreCase: true, out ClusteringKind kind) ? kind : ClusteringKind.Localhost,
        };
        _connectTimeout = new Option<double>("--connect-timeout")
        {
            Description = "Seconds to keep trying to reach the silo before giving up.",
            Recursive = true,
            DefaultValueFactory = _ => 10,
        };
    }

    /// <summary>Adds the options to <paramref name="root"/>, from where every subcommand sees them.</summary>
    public void AddTo(RootCommand root)
    {
        root.Options.Add(_gatewayPort);
        root.Options.Add(_clusterId);
        root.Options.Add(_serviceId);
        root.Options.Add(_connectTimeout);
        root.Options.Add(_clustering);
    }

    /// <summary>Connects to the cluster the parsed options name.</summary>
    public Task<ClusterConnection> ConnectAsync(ParseResult result, CancellationToken cancellationToken)
    {
        double seconds = result.GetValue(_connectTimeout);
        if (!(seconds > 0 && seconds <= 3600))
        {
            throw new ArgumentException($"--connect-timeout must be between 0 and 3600 seconds (got {seconds}).");
        }

        var target = new ClusterTarget(
            result.GetValue(_clustering), result.GetValue(_gatewayPort), result.GetValue(_clusterId)!, result.GetValue(_serviceId)!,
            new ConfigurationBuilder().AddEnvironmentVariables().Build());
        return ClusterConnection.ConnectAsync(target, TimeSpan.FromSeconds(seconds), cancellationToken);
    }
}
