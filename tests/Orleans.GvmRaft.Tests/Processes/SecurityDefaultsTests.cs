using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using Orleans.GvmRaft.Client.Cluster;

namespace Orleans.GvmRaft.Tests.Processes;

/// <summary>
/// What a gvm-silo process listens on: loopback only, and the dashboard only when asked for; beyond
/// loopback only with TLS (or a written-down exception); and a bad setting is one line, not a stack trace.
/// </summary>
public sealed class SecurityDefaultsTests
{
    [Fact]
    public async Task EveryListenerIsOnLoopbackAndTheDashboardIsOff()
    {
        var (silo, gateway, dashboard) = Ports();
        int metrics = LoopbackPort.Free();
        using var process = Start(silo, gateway, dashboardPort: dashboard, dashboard: false, metricsPort: metrics);
        await WaitForListenerAsync(process, gateway);

        var listeners = Listeners(silo, gateway);
        Assert.Equal(2, listeners.Count);
        Assert.All(listeners, l => Assert.True(IPAddress.IsLoopback(l.Address), $"{l} is not loopback"));
        Assert.Empty(Listeners(dashboard, metrics));
    }

    [Fact]
    public async Task TheMetricsEndpointServesOnItsOwnLoopbackPortApartFromTheDashboard()
    {
        var (silo, gateway, dashboard) = Ports();
        int metrics = LoopbackPort.Free();
        using var process = Start(silo, gateway, dashboardPort: dashboard, dashboard: true, metricsPort: metrics, metricsOn: true);
        await WaitForListenerAsync(process, metrics);
        Assert.True(IPAddress.IsLoopback(Assert.Single(Listeners(metrics)).Address));

        using var http = new HttpClient();
        async Task<HttpStatusCode> StatusAsync(int port, string path) => (await http.GetAsync(new Uri($"http://127.0.0.1:{port}{path}"))).StatusCode;
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(metrics, "/healthz"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(metrics, "/readyz"));
        var scrape = Observability.PrometheusText.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{metrics}/metrics")));
        Assert.Contains(scrape, s => s.Name.StartsWith("orleans_", StringComparison.Ordinal));

        // Each port serves its own paths only, by the port a request came in on.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(dashboard, "/"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(metrics, "/"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(dashboard, "/metrics"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(dashboard, "/readyz"));
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

    [Theory]
    [InlineData("Gvm:Silo:AdvertisedAddress", "--Gvm:Silo:ListenAddress", "0.0.0.0")]
    [InlineData("Gvm:Silo:AllowInsecure=true", "--Gvm:Silo:ListenAddress", "0.0.0.0", "--Gvm:Silo:AdvertisedAddress", "127.0.0.1")]
    [InlineData("Gvm:Silo:Tls:CertificatePath", "--Gvm:Silo:ListenAddress", "10.1.2.3")]
    [InlineData("'Gvm:Silo:Storage'", "--Gvm:Silo:Storage", "Azure")]
    [InlineData("ConnectionStrings:AzureStorage", "--Gvm:Silo:Clustering", "AzureTable")]
    [InlineData("Gvm:Silo:Tls:CaPath", "--Gvm:Silo:Tls:CertificatePath", "/etc/hostname")]
    [InlineData("'Gvm:Rollouts:ShardSize'", "--Gvm:Rollouts:ShardSize", "many")]
    [InlineData("Gvm:Dashboard:Address 0.0.0.0", "--Gvm:Dashboard:Enabled", "true", "--Gvm:Dashboard:Address", "0.0.0.0")]
    [InlineData("ConnectionStrings:PostgreSql must not be given on the command line", "--ConnectionStrings:PostgreSql", "Host=x;Password=secret")]
    [InlineData("Gvm:Silo:Tls:Password must not be given on the command line", "--Gvm:Silo:Tls:Password=secret")]
    [InlineData("Gvm:Metrics:Port", "--Gvm:Metrics:Enabled", "true", "--Gvm:Metrics:Port", "70000")]
    [InlineData("Gvm:Metrics:Address", "--Gvm:Metrics:Address", "metrics.local")]
    [InlineData("Gvm:Dashboard:Port and Gvm:Metrics:Port must differ", "--Gvm:Dashboard:Enabled", "true", "--Gvm:Metrics:Enabled", "true", "--Gvm:Metrics:Port", "8080")]
    public Task AnInvalidSettingIsOneLineNamingItAndExitCode2(string named, params string[] arguments) =>
        AssertOneLineAsync(named, arguments, []);

    [Fact]
    public Task AMalformedAzureConnectionStringIsOneLineThatDoesNotRepeatIt() => AssertOneLineAsync(
        "ConnectionStrings:AzureStorage is not an Azure Storage connection string",
        ["--Gvm:Silo:Storage", "AzureTable"],
        new Dictionary<string, string?> { ["ConnectionStrings__AzureStorage"] = "AccountName=x;secret-garbage" });

    private static async Task AssertOneLineAsync(string named, string[] arguments, Dictionary<string, string?> environment)
    {
        var (exitCode, output, error) = await Backends.ExternalProcess.CaptureAsync(
            ProcessCluster.Executable("silo/Orleans.GvmRaft.Silo", "gvm-silo"), arguments, environment, TimeSpan.FromSeconds(60));
        Assert.Equal(2, exitCode);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("gvm-silo: invalid configuration: ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EveryInterfaceWithAnAdvertisedAddressServesWithTlsOrWhenInsecureIsAllowed(bool tls)
    {
        using var ca = Security.ThrowawayCa.Create("gvm-pod-ca");
        var (certificate, key) = ca.Issue("pod-silo");
        var (silo, gateway, _) = Ports();
        string cluster = $"pod-{Guid.NewGuid():N}"[..16];
        string[] security = tls
            ? ["--Gvm:Silo:Tls:CertificatePath", certificate, "--Gvm:Silo:Tls:KeyPath", key, "--Gvm:Silo:Tls:CaPath", ca.CaPath]
            : ["--Gvm:Silo:AllowInsecure", "true"];
        using var process = SiloProcess.Start(
            ProcessCluster.Executable("silo/Orleans.GvmRaft.Silo", "gvm-silo"),
            "pod",
            silo,
            [
                "--Gvm:Silo:SiloPort", silo.ToString(CultureInfo.InvariantCulture),
                "--Gvm:Silo:GatewayPort", gateway.ToString(CultureInfo.InvariantCulture),
                "--Gvm:Silo:ClusterId", cluster,
                "--Gvm:Silo:ListenAddress", "0.0.0.0",
                "--Gvm:Silo:AdvertisedAddress", "127.0.0.1",
                .. security,
            ],
            new Dictionary<string, string>());
        await WaitForListenerAsync(process, gateway);

        // Both ports on every interface, as a pod needs; the cluster advertises the given address.
        var listeners = Listeners(silo, gateway);
        Assert.Equal(2, listeners.Count);
        Assert.All(listeners, l => Assert.Equal(IPAddress.Any, l.Address));

        var client = ca.Issue("pod-client");
        var options = tls ? new Silo.Backends.ClusterTlsOptions { CertificatePath = client.Certificate, KeyPath = client.Key, CaPath = ca.CaPath } : null;
        var target = new ClusterTarget(Silo.Backends.ClusteringKind.Localhost, gateway, cluster, Silo.Backends.ClusterDefaults.ServiceId, new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), options);
        await using var connection = await ClusterConnection.ConnectAsync(target, TimeSpan.FromSeconds(20), CancellationToken.None);
        var hosts = await connection.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(IPAddress.Loopback, Assert.Single(hosts).Key.Endpoint.Address);
    }

    private static SiloProcess Start(int silo, int gateway, int dashboardPort, bool dashboard, int metricsPort = 9464, bool metricsOn = false) => SiloProcess.Start(
        ProcessCluster.Executable("silo/Orleans.GvmRaft.Silo", "gvm-silo"),
        "secure",
        silo,
        [
            "--Gvm:Silo:SiloPort", silo.ToString(CultureInfo.InvariantCulture),
            "--Gvm:Silo:GatewayPort", gateway.ToString(CultureInfo.InvariantCulture),
            "--Gvm:Silo:ClusterId", $"secure-{Guid.NewGuid():N}",
            "--Gvm:Dashboard:Enabled", dashboard ? "true" : "false",
            "--Gvm:Dashboard:Port", dashboardPort.ToString(CultureInfo.InvariantCulture),
            "--Gvm:Metrics:Enabled", metricsOn ? "true" : "false",
            "--Gvm:Metrics:Port", metricsPort.ToString(CultureInfo.InvariantCulture),
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
