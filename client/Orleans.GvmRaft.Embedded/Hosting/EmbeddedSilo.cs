using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Silo;
using Orleans.GvmRaft.Silo.Backends;
using Orleans.GvmRaft.Worker.Hosting;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Embedded.Hosting;

/// <summary>The embedded default: a silo with in-memory storage inside this process, on free loopback ports.</summary>
public static class EmbeddedSilo
{
    /// <summary>
    /// Starts the silo and returns a connection whose client calls it in-process. With
    /// <paramref name="worker"/> the silo is also a worker silo: it hosts the rollout worker and
    /// the trainer, so one process trains.
    /// </summary>
    /// <param name="cancellationToken">Stops the start.</param>
    /// <param name="worker">Also a worker silo.</param>
    /// <param name="state">Where grain state lives: in memory, or in a SQLite file kept across runs.</param>
    /// <param name="settings">Further configuration of the silo (e.g. <c>Gvm:Coordinator:TickPeriod</c>).</param>
    public static async Task<ClusterConnection> StartAsync(
        CancellationToken cancellationToken, bool worker = false, EmbeddedState? state = null, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        // Policy versions outlive the process as long as the state pointing at them does: beside a
        // SQLite file, under runs/ for a database, and for in-memory state in a folder of this
        // process's own, removed when it stops.
        bool scratchCheckpoints = state is null or { Storage: StorageKind.Memory };
        string checkpoints = scratchCheckpoints
            ? Path.Combine(Path.GetTempPath(), $"gvm-embedded-checkpoints-{Guid.NewGuid():N}")
            : state!.Storage == StorageKind.Sqlite ? Path.GetFullPath(state.SqlitePath) + ".checkpoints" : Path.GetFullPath("runs/gvm-checkpoints");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Gvm:Checkpoints:Directory"] = checkpoints });

        // ConnectionStrings__PostgreSql and Gvm__* from the environment reach the embedded silo too.
        builder.Configuration.AddEnvironmentVariables();
        int[] ports = LoopbackPort.Free(2);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{GvmSiloOptions.SectionName}:{nameof(GvmSiloOptions.SiloPort)}"] = ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"{GvmSiloOptions.SectionName}:{nameof(GvmSiloOptions.GatewayPort)}"] = ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"{GvmSiloOptions.SectionName}:{nameof(GvmSiloOptions.ClusterId)}"] = "gvm-embedded",
            [$"{GvmSiloOptions.SectionName}:{nameof(GvmSiloOptions.Storage)}"] = (state?.Storage ?? StorageKind.Memory).ToString(),
            ["ConnectionStrings:Sqlite"] = state is { Storage: StorageKind.Sqlite } ? $"Data Source={Path.GetFullPath(state.SqlitePath)}" : Environment.GetEnvironmentVariable("ConnectionStrings__Sqlite"),
        });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
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
        if (scratchCheckpoints)
        {
            string used = host.Services.GetRequiredService<IConfiguration>()["Gvm:Checkpoints:Directory"]!;
            host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(() =>
            {
                if (used == checkpoints && Directory.Exists(used))
                {
                    Directory.Delete(used, recursive: true);
                }
            });
        }

        await host.StartAsync(cancellationToken);
        return ClusterConnection.ForHostedSilo(host);
    }
}
