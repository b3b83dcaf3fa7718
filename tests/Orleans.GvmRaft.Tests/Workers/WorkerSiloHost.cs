using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Silo;
using Orleans.GvmRaft.Worker.Hosting;

namespace Orleans.GvmRaft.Tests.Workers;

/// <summary>A worker silo host (control grains, trainer and rollout worker) on free loopback ports, as gvm-worker runs alone.</summary>
public static class WorkerSiloHost
{
    /// <summary>Starts one with <paramref name="settings"/> over its own ports; returns it and its gateway port.</summary>
    public static async Task<(IHost Host, int GatewayPort)> StartAsync(IDictionary<string, string?> settings)
    {
        int[] ports = LoopbackPort.Free(2);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gvm:Silo:SiloPort"] = ports[0].ToString(CultureInfo.InvariantCulture),
            ["Gvm:Silo:GatewayPort"] = ports[1].ToString(CultureInfo.InvariantCulture),
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.AddGvmSilo(Orleans.GvmRaft.Workers.WorkerRole.Worker, silo => silo.AddGvmWorker(builder.Configuration));
        var host = builder.Build();
        await host.StartAsync();
        return (host, ports[1]);
    }

    /// <summary>Stops and disposes <paramref name="host"/>, then removes its checkpoint folder <paramref name="checkpoints"/>.</summary>
    public static async Task StopAsync(IHost host, string checkpoints)
    {
        ArgumentNullException.ThrowIfNull(host);
        await host.StopAsync();
        host.Dispose();
        if (Directory.Exists(checkpoints))
        {
            Directory.Delete(checkpoints, recursive: true);
        }
    }
}
