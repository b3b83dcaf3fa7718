using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using Orleans.GvmRaft.Client.Cluster;

namespace Orleans.GvmRaft.Tests.Processes;

/// <summary>What a gvm-silo process listens on: loopback only, and the dashboard only when asked for.</summary>
public sealed class SecurityDefaultsTests
{
    [Fact]
    public async Task EveryListenerIsOnLoopbackAndTheDashboardIsOff()
    {
        var (silo, gateway, dashboard) = Ports();
        using var process = Start(silo, gateway, dashboardPort: dashboard, dashboard: false);
        await WaitForListenerAsync(process, gateway);

        var listeners = Listeners(silo, gateway);
        Assert.Equal(2, listeners.Count);
        Assert.All(listeners, l => Assert.True(IPAddress.IsLoopback(l.Address), $"{l} is not loopback"));
        Assert.Empty(Listeners(dashboard));
    }

    [Fact]
    public async Task AnEnabledDashboardServesOnLoopback()
    {
        var (silo, gateway, dashboard) = Ports();
        using var process = Start(silo, gateway, dashboardPort: dashboard, dashboard: true);
        await WaitForListenerAsync(process, gateway);
        var listener = Assert.Single(Listeners(dashboard));
        Assert.True(IPAddress.IsLoopback(listener.Address));
        using var http = new HttpClient();
        string page = await http.GetStringAsync(new Uri($"http://127.0.0.1:{dashboard}/"));
        Assert.Contains("<html", page, StringComparison.OrdinalIgnoreCase);
    }

    private static SiloProcess Start(int silo, int gateway, int dashboardPort, bool dashboard) => SiloProcess.Start(
        ProcessCluster.Executable("silo/Orleans.GvmRaft.Silo", "gvm-silo"),
        "secure",
        silo,
        [
            "--Gvm:Silo:SiloPort", silo.ToString(CultureInfo.InvariantCulture),
            "--Gvm:Silo:GatewayPort", gateway.ToString(CultureInfo.InvariantCulture),
            "--Gvm:Silo:ClusterId", $"secure-{Guid.NewGuid():N}",
            "--Gvm:Dashboard:Enabled", dashboard ? "true" : "false",
            "--Gvm:Dashboard:Port", dashboardPort.ToString(CultureInfo.InvariantCulture),
        ],
        new Dictionary<string, string>());

    private static (int Silo, int Gateway, int Dashboard) Ports()
    {
        int[] ports = LoopbackPort.Free(3);
        return (ports[0], ports[1], ports[2]);
    }

    private static List<IPEndPoint> Listeners(params int[] ports) =>
        [.. IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners().Where(l => ports.Contains(l.Port))];

    /// <summary>
    /// Waits until the host says every hosted service started (Kestrel's dashboard starts after the
    /// silo's gateway opens), so a listener that is missing then is missing for good.
    /// </summary>
    private static async Task WaitForListenerAsync(SiloProcess process, int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Listeners(port).Count == 0 || !process.Output.Contains("Application started", StringComparison.Ordinal))
        {
            Assert.False(process.HasExited || DateTime.UtcNow > deadline, $"the silo did not start:\n{process.Output}");
            await Task.Delay(200);
        }
    }
}
