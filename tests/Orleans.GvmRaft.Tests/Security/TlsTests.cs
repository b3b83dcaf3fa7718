using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Silo.Backends;
using Orleans.GvmRaft.Tests.Backends;
using Orleans.GvmRaft.Tests.Cli;

namespace Orleans.GvmRaft.Tests.Security;

/// <summary>
/// Mutual TLS between silos and between clients and gateways: only holders of a certificate the
/// cluster's CA issued get in. Each test makes its own CA, and another one for the outsiders.
/// </summary>
public sealed class TlsTests : IDisposable
{
    private readonly ThrowawayCa _cluster = ThrowawayCa.Create("gvm-test-cluster-ca");
    private readonly ThrowawayCa _other = ThrowawayCa.Create("some-other-ca");
    private readonly string _id = Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task OnlyAClientWithTheClustersCertificateGetsIn()
    {
        await using var silo = await TestSilo.StartAsync(Settings(_cluster.SiloSettings("silo-1")));

        await using (var client = await ConnectAsync(silo, _cluster.ClientOptions("client-1")))
        {
            var definition = new PromptDefinition("tls-1", "2+2=", "4", VerifierKinds.Exact);
            await client.Client.GetGrain<IPromptGrain>("tls-1").DefineAsync(definition);
            Assert.Equal(definition, await silo.Grains.GetGrain<IPromptGrain>("tls-1").GetDefinitionAsync());
        }

        // A certificate from another CA: the gateway refuses the handshake, and the client says what
        // to check. The outsider trusts both CAs, so the refusal can only be the gateway's.
        string both = ThrowawayCa.TrustingBoth(_other, _cluster);
        int before = HandshakesRefused(silo);
        var outsider = await Assert.ThrowsAsync<ClusterUnavailableException>(() => ConnectAsync(silo, _other.ClientOptions("client-2", both)));
        Assert.Contains("refused this client's certificate", outsider.Message, StringComparison.Ordinal);
        Assert.True(HandshakesRefused(silo) > before, "the silo did not refuse a TLS handshake");

        // No certificate at all: turned away by the TLS handshake too, not by anything after it.
        before = HandshakesRefused(silo);
        var plain = await Assert.ThrowsAsync<ClusterUnavailableException>(() => ConnectAsync(silo, tls: null));
        Assert.Contains("If the cluster uses TLS, pass --tls-cert", plain.Message, StringComparison.Ordinal);
        Assert.True(HandshakesRefused(silo) > before, "the silo did not refuse a TLS handshake");

        // The other way round: a gateway of another CA is refused by a client of this cluster (the
        // impostor trusts both CAs, so the refusal can only be the client's).
        await using var impostor = await TestSilo.StartAsync(Settings(_other.SiloSettings("impostor", both)));
        await Assert.ThrowsAsync<ClusterUnavailableException>(() => ConnectAsync(impostor, _cluster.ClientOptions("client-3")));
    }

    [Fact]
    public async Task AnIntermediateCasCertificatesAreAcceptedAndAnExpiredOrForeignOneIsNot()
    {
        using var intermediate = _cluster.CreateIntermediate("gvm-test-intermediate");
        await using var silo = await TestSilo.StartAsync(Settings(intermediate.SiloSettings("silo-i")));
        await using (var client = await ConnectAsync(silo, intermediate.ClientOptions("client-i")))
        {
            Assert.Single(await client.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true));
        }

        // A client certificate past its validity is refused before anything is sent.
        var (certificate, key) = intermediate.Issue("client-expired", expired: true);
        var expired = await Assert.ThrowsAsync<ClientSettingsException>(() =>
            ConnectAsync(silo, new ClusterTlsOptions { CertificatePath = certificate, KeyPath = key, CaPath = intermediate.CaPath }));
        Assert.Contains("--tls-cert", expired.Message, StringComparison.Ordinal);
        Assert.Contains("outside its validity", expired.Message, StringComparison.Ordinal);

        // A silo whose certificate is not one of its own CA's does not start, and says why.
        var (foreign, foreignKey) = _other.Issue("silo-foreign");
        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TestSilo.StartAsync(Settings(new()
        {
            ["Gvm:Silo:Tls:CertificatePath"] = foreign,
            ["Gvm:Silo:Tls:KeyPath"] = foreignKey,
            ["Gvm:Silo:Tls:CaPath"] = _cluster.CaPath,
        })));
        Assert.Contains("is not a valid certificate of Gvm:Silo:Tls:CaPath", string.Join(" ", refused.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheGvmCommandConnectsWithTlsCertAndFailsClearlyWithout()
    {
        await using var silo = await TestSilo.StartAsync(Settings(_cluster.SiloSettings("silo-1")));
        await silo.Grains.GetGrain<IPromptGrain>("tls-cli").DefineAsync(new PromptDefinition("tls-cli", "3+3=", "6", VerifierKinds.Exact));
        var (certificate, key) = _cluster.Issue("cli");
        string[] target = ["--gateway-port", silo.GatewayPort.ToString(CultureInfo.InvariantCulture), "--cluster-id", $"cluster-{_id}", "--service-id", $"svc-{_id}", "--connect-timeout", "3"];

        var shown = await CliRunner.RunAsync(["prompt", "show", "tls-cli", .. target, "--tls-cert", certificate, "--tls-key", key, "--tls-ca", _cluster.CaPath]);
        Assert.True(shown.ExitCode == 0, shown.Error);
        Assert.Contains("3+3=", shown.Output, StringComparison.Ordinal);

        var refused = await CliRunner.RunAsync(["prompt", "show", "tls-cli", .. target]);
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("--tls-cert", refused.Error, StringComparison.Ordinal);

        // A missing file is named, with the option it came from.
        var missing = await CliRunner.RunAsync(["prompt", "show", "tls-cli", .. target, "--tls-cert", "/nonexistent/cert.pem", "--tls-ca", _cluster.CaPath]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--tls-cert '/nonexistent/cert.pem' does not exist", missing.Error, StringComparison.Ordinal);

        // A CA without a certificate is a mistake, not a reason to connect in the clear.
        var caOnly = await CliRunner.RunAsync(["prompt", "show", "tls-cli", .. target, "--tls-ca", _cluster.CaPath]);
        Assert.Equal(2, caOnly.ExitCode);
        Assert.Contains("--tls-ca needs a certificate: set --tls-cert too", caOnly.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyASiloWithTheClustersCertificateJoins()
    {
        await using var first = await TestSilo.StartAsync(Settings(_cluster.SiloSettings("silo-1")));
        var management = first.Grains.GetGrain<IManagementGrain>(0);

        // Without a certificate, and with one from another CA, a gvm-silo cannot reach the primary
        // to join: the primary refuses its handshakes, and it gives up and exits. (A process, so
        // that what a failed start leaves running goes with it.)
        // The intruder trusts both CAs, so only the primary can be the one refusing.
        var intruder = _other.Issue("intruder");
        string[][] attempts =
        [
            [],
            ["--Gvm:Silo:Tls:CertificatePath", intruder.Certificate, "--Gvm:Silo:Tls:KeyPath", intruder.Key, "--Gvm:Silo:Tls:CaPath", ThrowawayCa.TrustingBoth(_other, _cluster)],
        ];
        foreach (string[] tls in attempts)
        {
            int before = HandshakesRefused(first);
            int[] ports = LoopbackPort.Free(2);
            using var joining = Processes.SiloProcess.Start(
                Processes.ProcessCluster.Executable("silo/Orleans.GvmRaft.Silo", "gvm-silo"),
                "joining",
                ports[0],
                [
                    "--Gvm:Silo:SiloPort", ports[0].ToString(CultureInfo.InvariantCulture),
                    "--Gvm:Silo:GatewayPort", ports[1].ToString(CultureInfo.InvariantCulture),
                    "--Gvm:Silo:PrimarySiloPort", first.SiloPort.ToString(CultureInfo.InvariantCulture),
                    "--Gvm:Silo:ClusterId", $"cluster-{_id}",
                    "--Gvm:Silo:ServiceId", $"svc-{_id}",
                    "--Orleans:Membership:MaxJoinAttemptTime", "00:00:08",
                    .. tls,
                ],
                new Dictionary<string, string>());
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (!joining.HasExited)
            {
                Assert.True(DateTime.UtcNow < deadline, $"a silo without the cluster's certificate did not give up joining:\n{joining.Output}");
                await Task.Delay(250);
            }

            Assert.Contains("gvm-silo: could not run:", joining.Output, StringComparison.Ordinal);
            Assert.True(HandshakesRefused(first) > before, "the primary did not refuse a TLS handshake");
        }

        Assert.Single(await management.GetHosts(onlyActive: true));

        // With the cluster's certificate it joins.
        var member = Settings(_cluster.SiloSettings("silo-2"));
        member["Gvm:Silo:PrimarySiloPort"] = first.SiloPort.ToString(CultureInfo.InvariantCulture);
        await using var second = await TestSilo.StartAsync(member);
        Assert.Equal(2, (await management.GetHosts(onlyActive: true)).Count);
    }

    [Fact]
    public async Task ASiloCanTakeItsCertificateFromTheMachinesStore()
    {
        string subject = $"store-silo-{_id}";
        var (path, key) = _cluster.Issue(subject);
        using var pem = X509Certificate2.CreateFromPemFile(path, key);
        using var stored = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.PersistKeySet | X509KeyStorageFlags.Exportable);
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Add(stored);
        try
        {
            await using var silo = await TestSilo.StartAsync(Settings(new()
            {
                ["Gvm:Silo:Tls:Subject"] = subject,
                ["Gvm:Silo:Tls:CaPath"] = _cluster.CaPath,
            }));
            await using var client = await ConnectAsync(silo, _cluster.ClientOptions("client-store"));
            Assert.Single(await client.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true));
            await Assert.ThrowsAsync<ClusterUnavailableException>(() => ConnectAsync(silo, _other.ClientOptions("client-other")));
        }
        finally
        {
            store.Remove(stored);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _cluster.Dispose();
        _other.Dispose();
    }

    // The warnings Orleans' TLS middleware logs for each handshake it refuses.
    private static int HandshakesRefused(TestSilo silo) =>
        silo.Logs.Lines.Count(l => l.Contains("authentication failed", StringComparison.OrdinalIgnoreCase));

    private Dictionary<string, string?> Settings(Dictionary<string, string?> tls)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Gvm:Silo:ClusterId"] = $"cluster-{_id}",
            ["Gvm:Silo:ServiceId"] = $"svc-{_id}",
        };
        foreach (var (key, value) in tls)
        {
            settings[key] = value;
        }

        return settings;
    }

    private Task<ClusterConnection> ConnectAsync(TestSilo silo, ClusterTlsOptions? tls) => ClusterConnection.ConnectAsync(
        new ClusterTarget(ClusteringKind.Localhost, silo.GatewayPort, $"cluster-{_id}", $"svc-{_id}", new ConfigurationBuilder().Build(), tls),
        TimeSpan.FromSeconds(3),
        CancellationToken.None);
}
