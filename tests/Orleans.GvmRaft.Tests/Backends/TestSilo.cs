using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Silo;

namespace Orleans.GvmRaft.Tests.Backends;

/// <summary>A silo host built exactly as gvm-silo builds one, from settings, with its logs captured.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private TestSilo(IHost host, CapturedLogs logs, int siloPort, int gatewayPort)
    {
        Host = host;
        Logs = logs;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    /// <summary>Its silo-to-silo port.</summary>
    public int SiloPort { get; }

    /// <summary>The running host.</summary>
    public IHost Host { get; }

    /// <summary>Everything it logged, at every level.</summary>
    public CapturedLogs Logs { get; }

    /// <summary>Its gateway port.</summary>
    public int GatewayPort { get; }

    /// <summary>Starts a silo with <paramref name="settings"/> over free loopback ports.</summary>
    public static async Task<TestSilo> StartAsync(IDictionary<string, string?> settings, Action<ISiloBuilder>? configure = null)
    {
        int[] ports = LoopbackPort.Free(2);
        int siloPort = ports[0], gatewayPort = ports[1];
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gvm:Silo:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Gvm:Silo:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
        });
        builder.Configuration.AddInMemoryCollection(settings);
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.AddGvmSilo(configure: configure);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            // A silo that could not start (say, refused by the cluster it tried to join) stops what
            // it had started, or its connection attempts would go on burning CPU for the whole run.
            try
            {
                await host.StopAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception)
            {
                // The start's failure is the one to report.
            }

            host.Dispose();
            throw;
        }

        return new TestSilo(host, logs, siloPort, gatewayPort);
    }

    /// <summary>The silo's own grain factory.</summary>
    public IGrainFactory Grains => (IGrainFactory)Host.Services.GetService(typeof(IGrainFactory))!;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync(TimeSpan.FromSeconds(20));
        Host.Dispose();
    }
}
