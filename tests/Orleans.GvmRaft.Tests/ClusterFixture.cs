using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.GvmRaft.Silo;
using Orleans.GvmRaft.Tests.Commit;
using Orleans.GvmRaft.Worker.Hosting;
using Orleans.GvmRaft.Workers;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Orleans.GvmRaft.Tests;

/// <summary>
/// An in-process Orleans cluster configured with the silo's own grain services and storage: a
/// control silo (<c>Silo_0</c>) and a worker silo (<c>Silo_1</c>); silos started later are workers too.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>The silo that declares no role: no trainer is placed on it and it runs no rollout worker.</summary>
    public const string ControlSilo = "Silo_0";

    /// <summary>The response timeout of every call in the cluster, silos and client.</summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The running cluster.</summary>
    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The checkpoint store every worker silo of the cluster shares.</summary>
    public string CheckpointDirectory { get; } = Path.Combine(Path.GetTempPath(), $"gvm-test-checkpoints-{Guid.NewGuid():N}");

    /// <summary>A client of the cluster.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((_, host) =>
        {
            // A small report-id window, so a test can push an id out of it, a short lease, so a
            // test can watch one expire, one item per claim, so workers share an iteration, quick heartbeats, a short recent history (longer runs read the rest from its pages), and
            // small queue shards, so a stage of a few items already spans several.
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Gvm:Prompts:ReportIdWindow"] = "4",
                ["Gvm:Rollouts:LeaseDuration"] = "00:00:01",
                ["Gvm:Rollouts:ShardSize"] = "3",
                ["Gvm:Worker:ClaimSize"] = "1",
                ["Gvm:Worker:HeartbeatInterval"] = "00:00:00.2",
                ["Gvm:Coordinator:RecentIterations"] = "6",
                ["Gvm:Checkpoints:Directory"] = CheckpointDirectory,
            });
            host.Services.AddGvmGrainServices(host.Configuration);
        });
        // No grain call may last longer than this: model work runs in background jobs and hosted
        // services, never inside a call (the default silo allows 30 s).
        builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout));
        builder.ConfigureSilo((options, silo) =>
        {
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
            bool worker = options.SiloName != ControlSilo;
            // Memory storage behind a wrapper that fails the writes a test arms (Commit/).
            foreach (string name in new[] { GvmStorage.Prompts, GvmStorage.PromptRows, GvmStorage.Runs })
            {
                silo.AddMemoryGrainStorage($"inner-{name}");
                silo.Services.AddKeyedSingleton<IGrainStorage>(name, (services, _) => new FaultInjectingStorage(services.GetRequiredKeyedService<IGrainStorage>($"inner-{name}")));
            }

            silo.UseInMemoryReminderService();
            silo.AddGvmRuntime(GvmSiloHosting.SiloMetadata(silo.Configuration, worker ? WorkerRole.Worker : null));
            if (worker)
            {
                silo.AddGvmWorker(silo.Configuration);
            }
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (Directory.Exists(CheckpointDirectory))
        {
            Directory.Delete(CheckpointDirectory, recursive: true);
        }
    }
}
