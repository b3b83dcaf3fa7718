using System.Diagnostics;
using Azure.Storage.Blobs;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Tests.Policy;

namespace Orleans.GvmRaft.Tests.Backends;

/// <summary>
/// A throwaway Azurite (Azure's storage emulator, from npm: deploy/test.sh installs it into
/// <c>.tools/azurite</c>) on free loopback ports with a temporary location, killed at the end.
/// </summary>
public sealed class AzuriteServer : IAsyncLifetime
{
    /// <summary>The emulator's well-known development account key, public in Azure's documentation (no log may show it all the same).</summary>
    public const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string Account = "devstoreaccount1";

    private readonly string _location = Path.Combine(Path.GetTempPath(), $"gvm-azurite-{Guid.NewGuid():N}");
    private Process? _process;
    private int[] _ports = [];

    /// <summary>A connection string for the emulator's blob, queue and table endpoints.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};" +
        $"BlobEndpoint=http://127.0.0.1:{_ports[0]}/{Account};QueueEndpoint=http://127.0.0.1:{_ports[1]}/{Account};TableEndpoint=http://127.0.0.1:{_ports[2]}/{Account};";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        string azurite = Path.Combine(ReferenceFixtures.RepositoryRoot(), ".tools", "azurite", "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed ({azurite}): run the tests with deploy/test.sh, which installs it with npm.");
        }

        _ports = LoopbackPort.Free(3);
        var info = new ProcessStartInfo(azurite) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[]
        {
            "--silent", "--skipApiVersionCheck", "--location", _location,
            "--blobHost", "127.0.0.1", "--blobPort", $"{_ports[0]}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{_ports[1]}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{_ports[2]}",
        })
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start azurite.");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var service = new BlobServiceClient(ConnectionString);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await service.GetPropertiesAsync();
                return;
            }
            catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or AggregateException && DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (Directory.Exists(_location))
        {
            Directory.Delete(_location, recursive: true);
        }
    }
}
