using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.GvmRaft.Catalog;
using Orleans.GvmRaft.Silo.PromptTable;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Orleans.GvmRaft.Silo.Backends;

/// <summary>Storage, clustering and reminders through the official Orleans providers, chosen by <see cref="GvmSiloOptions"/>.</summary>
public static class GvmBackends
{
    /// <summary>The ADO.NET invariant the Orleans providers map to Microsoft.Data.Sqlite.</summary>
    public const string SqliteInvariant = "System.Data.SQLite";

    /// <summary>
    /// Registers the grain storage providers on the chosen backend: on SQLite and PostgreSQL the
    /// prompt grains' state goes to the typed prompt table (<see cref="PromptTableStorage"/>), the
    /// rest to the official ADO.NET provider; elsewhere everything to the official provider.
    /// </summary>
    public static ISiloBuilder AddGvmStorage(this ISiloBuilder silo, StorageKind kind, IConfiguration configuration)
    {
        // Grain state in Orleans' own binary format rather than the providers' default (JSON with
        // type names): a rollout shard's state is written on every claim and batch of results,
        // and as JSON its serialisation and the large strings it allocates cost more than the write.
        silo.Services.Replace(ServiceDescriptor.Singleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>());
        if (kind == StorageKind.Sqlite)
        {
            SqliteBusyTimeout.Install();
        }

        if (kind is StorageKind.Sqlite or StorageKind.PostgreSql)
        {
            silo.AddPromptTable(kind == StorageKind.Sqlite
                ? _ => new SqlitePromptTable(ConnectionStrings.Sqlite(configuration))
                : _ => new PostgresPromptTable(ConnectionStrings.PostgreSql(configuration)));
        }

        string[] names = kind is StorageKind.Sqlite or StorageKind.PostgreSql
            ? [GvmStorage.Prompts, GvmStorage.Runs]
            : [GvmStorage.Prompts, GvmStorage.Runs, GvmStorage.PromptRows];
        foreach (string name in names)
        {
            switch (kind)
            {
                case StorageKind.Memory:
                    silo.AddMemoryGrainStorage(name);
                    break;
                case StorageKind.Sqlite:
                    string sqlite = ConnectionStrings.Sqlite(configuration);
                    silo.AddAdoNetGrainStorage(name, o =>
                    {
                        o.Invariant = SqliteInvariant;
                        o.ConnectionString = sqlite;
                    });
                    break;
                case StorageKind.PostgreSql:
                    string postgres = ConnectionStrings.PostgreSql(configuration);
                    silo.AddAdoNetGrainStorage(name, o =>
                    {
                        o.Invariant = ConnectionStrings.PostgreSqlInvariant;
                        o.ConnectionString = postgres;
                    });
                    break;
                case StorageKind.Redis:
                    var redis = ConnectionStrings.RedisOptions(configuration);
                    silo.AddRedisGrainStorage(name, o => o.ConfigurationOptions = redis);
                    break;
                case StorageKind.AzureTable when name == GvmStorage.PromptRows:
                    silo.AddAzureTableGrainStorageWithLimit(name, ConnectionStrings.AzureStorage(configuration));
                    break;
                case StorageKind.AzureTable or StorageKind.AzureBlob:
                    // On AzureTable, what grows with the pool (a set's shards of 16,384 ids, a run's
                    // index of every prompt it saw, its history) would outgrow a Table entity: blobs.
                    var blobs = AzureClients.Blobs(ConnectionStrings.AzureStorage(configuration));
                    silo.AddAzureBlobGrainStorage(name, (OptionsBuilder<AzureBlobStorageOptions> builder) => builder.Configure<IOptions<ClusterOptions>>((o, cluster) =>
                    {
                        o.BlobServiceClient = blobs;
                        o.ContainerName = AzureNames.GrainStateContainer(cluster.Value.ServiceId);
                    }));
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown storage.");
            }
        }

        return silo;
    }

    // The table, the prompt grains' storage over it, and the catalog that imports and exports
    // through it without a grain call per prompt.
    private static void AddPromptTable(this ISiloBuilder silo, Func<IServiceProvider, IPromptTable> table)
    {
        silo.Services.AddSingleton(table);
        silo.Services.AddSingleton(sp => new PromptTableStorage(
            sp.GetRequiredService<IPromptTable>(),
            sp.GetRequiredService<IOptions<PromptTableOptions>>().Value,
            sp.GetRequiredService<ILogger<PromptTableStorage>>()));
        silo.Services.AddGrainStorage(GvmStorage.PromptRows, (sp, _) => sp.GetRequiredService<PromptTableStorage>());
        silo.Services.Replace(ServiceDescriptor.Singleton<IPromptCatalog, TablePromptCatalog>());
    }

    // The official Azure Table provider under an inner name, and the prompt grains' storage as a
    // wrapper that turns its "data too large" into an error naming the grain and the limit.
    private static void AddAzureTableGrainStorageWithLimit(this ISiloBuilder silo, string name, string connectionString)
    {
        string inner = name + ".table";
        var tables = AzureClients.Tables(connectionString);
        silo.AddAzureTableGrainStorage(inner, o =>
        {
            o.TableServiceClient = tables;
            o.TableName = AzureNames.PromptTable;
        });
        silo.Services.AddGrainStorage(name, (sp, _) => new TableEntityLimitStorage(name, sp.GetRequiredKeyedService<IGrainStorage>(inner)));
    }

    /// <summary>
    /// Registers clustering and the endpoints: loopback unless <see cref="GvmSiloOptions.ListenAddress"/>
    /// says otherwise, advertised at <see cref="GvmSiloOptions.AdvertisedAddress"/> when that is set.
    /// </summary>
    public static ISiloBuilder AddGvmClustering(this ISiloBuilder silo, GvmSiloOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        var advertised = options.Advertised;
        switch (options.Clustering)
        {
            case ClusteringKind.Localhost:
                var primary = options.PrimarySiloPort == 0 ? null : new IPEndPoint(advertised, options.PrimarySiloPort);
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, primary, options.ServiceId, options.ClusterId);
                break;
            case ClusteringKind.PostgreSql:
                string postgres = ConnectionStrings.PostgreSql(configuration);
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = ConnectionStrings.PostgreSqlInvariant;
                    o.ConnectionString = postgres;
                });
                break;
            case ClusteringKind.Redis:
                var redis = ConnectionStrings.RedisOptions(configuration);
                silo.UseRedisClustering(o => o.ConfigurationOptions = redis);
                break;
            case ClusteringKind.AzureTable:
                var tables = AzureClients.Tables(ConnectionStrings.AzureStorage(configuration));
                silo.UseAzureStorageClustering(o => o.TableServiceClient = tables);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Clustering, "unknown clustering.");
        }

        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });

        // Listening and advertised addresses apart: a pod listens on every interface and is
        // reached at its own IP (Orleans refuses 0.0.0.0 as an advertised address).
        var listen = IPAddress.Parse(options.ListenAddress);
        silo.Configure<EndpointOptions>(o =>
        {
            o.AdvertisedIPAddress = advertised;
            o.SiloPort = options.SiloPort;
            o.GatewayPort = options.GatewayPort;
            o.SiloListeningEndpoint = new IPEndPoint(listen, options.SiloPort);
            o.GatewayListeningEndpoint = options.GatewayPort == 0 ? null : new IPEndPoint(listen, options.GatewayPort);
        });
        if (options.Tls.Enabled)
        {
            var certificates = ClusterCertificates.Load(options.Tls);
            silo.UseTls(tls => ClusterTls.Configure(tls, certificates));
        }

        return silo;
    }

    /// <summary>Registers the reminder service on the chosen store.</summary>
    public static ISiloBuilder AddGvmReminders(this ISiloBuilder silo, RemindersKind kind, IConfiguration configuration)
    {
        switch (kind)
        {
            case RemindersKind.Memory:
                silo.UseInMemoryReminderService();
                break;
            case RemindersKind.PostgreSql:
                string postgres = ConnectionStrings.PostgreSql(configuration);
                silo.UseAdoNetReminderService(o =>
                {
                    o.Invariant = ConnectionStrings.PostgreSqlInvariant;
                    o.ConnectionString = postgres;
                });
                break;
            case RemindersKind.Redis:
                var redis = ConnectionStrings.RedisOptions(configuration);
                silo.UseRedisReminderService(o => o.ConfigurationOptions = redis);
                break;
            case RemindersKind.AzureTable:
                var tables = AzureClients.Tables(ConnectionStrings.AzureStorage(configuration));
                silo.UseAzureTableReminderService(o => o.TableServiceClient = tables);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown reminder store (Auto resolves before this).");
        }

        return silo;
    }

    /// <summary>Applies the SQL schema of every SQL backend the options use.</summary>
    public static async Task ApplySchemaAsync(GvmSiloOptions options, IConfiguration configuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Storage == StorageKind.Sqlite)
        {
            await SqlSchema.ApplySqliteAsync(ConnectionStrings.Sqlite(configuration), cancellationToken);
        }

        if (options.Storage == StorageKind.PostgreSql || options.Clustering == ClusteringKind.PostgreSql || options.EffectiveReminders == RemindersKind.PostgreSql)
        {
            await SqlSchema.ApplyPostgreSqlAsync(ConnectionStrings.PostgreSql(configuration), cancellationToken);
        }
    }
}
