using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

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

    /// <summary>Connects to the silo whose gateway listens on <paramref name="gatewayPort"/> of this machine.</summary>
    /// <exception cref="ClusterUnavailableException">No silo of that cluster answered.</exception>
    public static async Task<ClusterConnection> ConnectAsync(
        int gatewayPort, string clusterId, string serviceId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client
            .UseLocalhostClustering(gatewayPort, serviceId, clusterId)
            .UseConnectionRetryFilter(new DeadlineRetryFilter(timeout)));
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            throw new ClusterUnavailableException(
                $"no silo of cluster '{clusterId}' answered on 127.0.0.1:{gatewayPort} ({e.Message.TrimEnd('.')}). " +
                "Start one with 'dotnet run --project silo/Orleans.GvmRaft.Silo', or pass --gateway-port.",
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
