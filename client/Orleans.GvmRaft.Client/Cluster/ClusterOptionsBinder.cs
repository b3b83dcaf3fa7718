using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Orleans.GvmRaft.Silo.Backends;

namespace Orleans.GvmRaft.Client.Cluster;

/// <summary>
/// The options every cluster command shares: how to find the cluster's gateways and which cluster
/// it is. Defaults match a silo started with no configuration; GVM_CLUSTERING, GVM_GATEWAY_PORT,
/// GVM_CLUSTER_ID and GVM_SERVICE_ID override them. Connection strings come from the environment
/// only (ConnectionStrings__PostgreSql, ConnectionStrings__Redis, ConnectionStrings__AzureStorage),
/// never from the command line, where other users of the machine could read them; so does a
/// certificate's password (GVM_TLS_PASSWORD).
/// </summary>
public sealed class ClusterOptionsBinder
{

    private readonly Option<int> _gatewayPort;
    private readonly Option<string> _clusterId;
    private readonly Option<string> _serviceId;
    private readonly Option<double> _connectTimeout;
    private readonly Option<double> _timeout;
    private readonly Option<ClusteringKind> _clustering;
    private readonly Option<string?> _tlsCert;
    private readonly Option<string?> _tlsKey;
    private readonly Option<string?> _tlsCa;

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
            Description = "How to find the gateways: Localhost (the port below), PostgreSql, Redis or AzureTable (their membership table; env GVM_CLUSTERING).",
            Recursive = true,
            DefaultValueFactory = _ => Enum.TryParse(Environment.GetEnvironmentVariable("GVM_CLUSTERING"), ignoreCase: true, out ClusteringKind kind) ? kind : ClusteringKind.Localhost,
        };
        _tlsCert = new Option<string?>("--tls-cert")
        {
            Description = "This client's certificate (PEM, or .pfx with its password in env GVM_TLS_PASSWORD), issued by the cluster's CA, for a cluster with TLS (env GVM_TLS_CERT).",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("GVM_TLS_CERT"),
        };
        _tlsKey = new Option<string?>("--tls-key")
        {
            Description = "The PEM private key of --tls-cert, when not in the same file (env GVM_TLS_KEY).",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("GVM_TLS_KEY"),
        };
        _tlsCa = new Option<string?>("--tls-ca")
        {
            Description = "The cluster's CA certificate: the gateway's certificate must be issued by it (env GVM_TLS_CA).",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("GVM_TLS_CA"),
        };
        _connectTimeout = new Option<double>("--connect-timeout")
        {
            Description = "Seconds to keep trying to reach the silo before giving up.",
            Recursive = true,
            DefaultValueFactory = _ => 10,
        };
        _timeout = new Option<double>("--timeout")
        {
            Description = "Seconds one call to the cluster may wait for its answer before the command gives up (exit code 5); env GVM_TIMEOUT.",
            Recursive = true,
            DefaultValueFactory = _ => double.TryParse(Environment.GetEnvironmentVariable("GVM_TIMEOUT"), System.Globalization.CultureInfo.InvariantCulture, out double s) ? s : 30,
        };
    }

    /// <summary>Adds the options to <paramref name="root"/>, from where every subcommand sees them.</summary>
    public void AddTo(RootCommand root)
    {
        root.Options.Add(_gatewayPort);
        root.Options.Add(_clusterId);
        root.Options.Add(_serviceId);
        root.Options.Add(_connectTimeout);
        root.Options.Add(_timeout);
        root.Options.Add(_clustering);
        root.Options.Add(_tlsCert);
        root.Options.Add(_tlsKey);
        root.Options.Add(_tlsCa);
    }

    /// <summary>Connects to the cluster the parsed options name.</summary>
    public Task<ClusterConnection> ConnectAsync(ParseResult result, CancellationToken cancellationToken)
    {
        double seconds = result.GetValue(_connectTimeout);
        if (!(seconds > 0 && seconds <= 3600))
        {
            throw new ArgumentException($"--connect-timeout must be between 0 and 3600 seconds (got {seconds}).");
        }

        double response = result.GetValue(_timeout);
        if (!(response > 0 && response <= 86400))
        {
            throw new ArgumentException($"--timeout must be between 0 and 86400 seconds (got {response}).");
        }

        var tls = new ClusterTlsOptions
        {
            CertificatePath = result.GetValue(_tlsCert),
            KeyPath = result.GetValue(_tlsKey),
            CaPath = result.GetValue(_tlsCa),
            Password = Environment.GetEnvironmentVariable("GVM_TLS_PASSWORD"),
        };
        var target = new ClusterTarget(
            result.GetValue(_clustering), result.GetValue(_gatewayPort), result.GetValue(_clusterId)!, result.GetValue(_serviceId)!,
            new ConfigurationBuilder().AddEnvironmentVariables().Build(), tls, TimeSpan.FromSeconds(response));
        return ClusterConnection.ConnectAsync(target, TimeSpan.FromSeconds(seconds), cancellationToken);
    }
}
