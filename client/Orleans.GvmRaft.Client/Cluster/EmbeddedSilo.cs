using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.GvmRaft.Silo;
using Orleans.GvmRaft.Worker.Hosting;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Client.Cluster;

/// <summary>The embedded default: a silo with in-memory storage inside this process, on free loopback ports.</summary>
public static class EmbeddedSilo
{
    /// <summary>
    /// Starts the silo and returns a connection whose client calls it in-process. With
    /// <paramref name="worker"/> the silo is also a worker silo: it hosts the rollout worker and
    /// the trainer, so one process trains.
    /// </summary>
    public static async Task<ClusterConnection> StartAsync(CancellationToken cancellationToken, bool worker = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{GvmSiloOptions.SectionName}:{nameof(GvmSiloOptions.SiloPort)}"] = LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"{GvmSiloOptions.SectionName}:{nameof(GvmSiloOptions.GatewayPort)}"] = LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"{GvmSiloOptions.SectionName}:{nameof(GvmSiloOptions.ClusterId)}"] = "gvm-embedded",
        });
        builder.Logging.ClearProviders();
        if (worker)
        {
            builder.AddGvmSilo(WorkerRole.Worker, silo => silo.AddGvmWorker(builder.Configuration));
        }
        else
        {
            builder.AddGvmSilo();
        }

        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return ClusterConnection.ForHostedSilo(host);
    }
}
