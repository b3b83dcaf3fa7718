using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Silo;

namespace Orleans.GvmRaft.Tests.Cli;

/// <summary>
/// <c>gvm import</c> and <c>gvm prompt show</c> against a real silo host whose gateway listens on a
/// loopback TCP port, the way a user runs them.
/// </summary>
public sealed class GatewayCommandsTests : IAsyncLifetime
{
    private readonly string _clusterId = $"gvm-test-{Guid.NewGuid():N}";
    private IHost _silo = null!;
    private int _gatewayPort;

    public async Task InitializeAsync()
    {
        _gatewayPort = LoopbackPort.Free();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gvm:Silo:SiloPort"] = LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gvm:Silo:GatewayPort"] = _gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gvm:Silo:ClusterId"] = _clusterId,
        });
        builder.Logging.ClearProviders();
        builder.AddGvmSilo();
        _silo = builder.Build();
        await _silo.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _silo.StopAsync();
        _silo.Dispose();
    }

    [Fact]
    public async Task ImportThenShowAPrompt()
    {
        string file = CliRunner.TempFile(
            """{"id": "g-1", "problem": "What is 6 * 7?", "answer": "42", "verifier": "exact"}""",
            """{"problem": "What is 1 + 1?", "answer": "2"}""");
        var import = await Gvm("import", file);
        Assert.Equal(0, import.ExitCode);
        Assert.Contains("2 new", import.Output);

        var show = await Gvm("prompt", "show", "g-1");
        Assert.Equal(0, show.ExitCode);
        var json = JsonDocument.Parse(show.Output).RootElement;
        Assert.Equal("What is 6 * 7?", json.GetProperty("definition").GetProperty("text").GetString());
        Assert.Equal("42", json.GetProperty("definition").GetProperty("answer").GetString());
        Assert.Equal(0, json.GetProperty("statistics").GetProperty("attempts").GetInt64());
        Assert.Equal(0.5, json.GetProperty("statistics").GetProperty("posterior").GetProperty("mean").GetDouble());

        var again = await Gvm("import", file);
        Assert.Contains("0 new, 2 already present", again.Output);
    }

    [Fact]
    public async Task AMalformedFileImportsNothing()
    {
        string file = CliRunner.TempFile(
            """{"id": "m-1", "problem": "What is 2 + 2?", "answer": "4"}""",
            """{"id": "m-2", "problem": "What is 3 + 3?"}""");
        var import = await Gvm("import", file);
        Assert.Equal(2, import.ExitCode);
        Assert.Contains($"{file}:2: \"answer\" is missing", import.Error);
        Assert.Contains("nothing was imported", import.Error);

        var show = await Gvm("prompt", "show", "m-1");
        Assert.Equal(1, show.ExitCode);
        Assert.Contains("unknown prompt 'm-1'", show.Error);
    }

    [Fact]
    public async Task NoSiloOnThePortIsAClearError()
    {
        var show = await CliRunner.RunAsync(
            "prompt", "show", "x", "--connect-timeout", "1", "--gateway-port", LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3, show.ExitCode);
        Assert.Contains("no silo of cluster", show.Error);
    }

    private Task<CliRunner.Result> Gvm(params string[] args) =>
        CliRunner.RunAsync([.. args, "--gateway-port", _gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cluster-id", _clusterId]);
}
