using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.GvmRaft.Silo.Backends;

namespace Orleans.GvmRaft.Client.Cluster;

/// <summary>An Orleans client connected to a silo's gateway, or a silo hosted in this process.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterConnection(IHost host)
    {
        _host = host;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>The grain factory to call.</summary>
    public IClusterClient Client { get; }

    /// <summary>Connects to the cluster <paramref name="target"/> names.</summary>
    /// <exception cref="ClusterUnavailableException">No silo of that cluster answered.</exception>
    public static async Task<ClusterConnection> ConnectAsync(ClusterTarget target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var (clustering, gatewayPort, clusterId, serviceId, configuration) = target;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            switch (clustering)
            {
                case ClusteringKind.PostgreSql:
                    string postgres = ConnectionStrings.PostgreSql(configuration);
                    client.UseAdoNetClustering(o =>
                    {
                        o.Invariant = ConnectionStrings.PostgreSqlInvariant;
                        o.ConnectionString = postgres;
                    });
                    break;
                case ClusteringKind.Redis:
                    var redis = ConnectionStrings.RedisOptions(configuration);
                    client.UseRedisClustering(o => o.ConfigurationOptions = redis);
                    break;
                default:
                    client.UseLocalhostClustering(gatewayPort, serviceId, clusterId);
                    break;
            }

            client.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = serviceId;
            });
            client.UseConnectionRetryFilter(new DeadlineRetryFilter(timeout));
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            string where = clustering == ClusteringKind.Localhost ? $"on 127.0.0.1:{gatewayPort}" : $"through the {clustering} membership table";
            throw new ClusterUnavailableException(
                $"no silo of cluster '{clusterId}' answered {where} ({e.Message.TrimEnd('.')}). " +
                "Start one with 'dotnet run --project silo/Orleans.GvmRaft.Silo', or pass --gateway-port / --clustering.",
                e);
        }

        return new ClusterConnection(host);
    }

    /// <summary>Wraps a started host that runs a silo in this process.</summary>
    public static ClusterConnection ForHostedSilo(IHost host) => new(host);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            _host.Dispose();
        }
    }
}
