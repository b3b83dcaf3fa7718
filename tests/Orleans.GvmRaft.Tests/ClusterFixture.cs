using Microsoft.Extensions.Configuration;
using Orleans.GvmRaft.Silo;
using Orleans.TestingHost;

namespace Orleans.GvmRaft.Tests;

/// <summary>An in-process Orleans cluster configured with the silo's own grain services and storage.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>The running cluster.</summary>
    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>A client of the cluster.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            // A small report-id window, so a test can push an id out of it, and a short lease, so a
            // test can watch one expire.
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Gvm:Prompts:ReportIdWindow"] = "4",
                ["Gvm:Rollouts:LeaseDuration"] = "00:00:01",
            });
            host.Services.AddGvmGrainServices(host.Configuration);
        });
        builder.ConfigureSilo((_, silo) => silo.AddGvmStorage());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
