using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Data.Sqlite;
using Npgsql;
using Orleans.GvmRaft.Silo.Backends;
using StackExchange.Redis;

namespace Orleans.GvmRaft.Tests.Backends;

/// <summary>Silo settings for one backend, each on fresh state: a new file, database or service id.</summary>
public static class BackendSettings
{
    /// <summary>Settings for <paramref name="store"/> storage (and <paramref name="clustering"/>), with a fresh cluster and service id.</summary>
    public static async Task<Dictionary<string, string?>> CreateAsync(PostgresServer postgres, RedisServer redis, string store, string clustering = "Localhost", AzuriteServer? azurite = null)
    {
        string id = Guid.NewGuid().ToString("N")[..12];
        var settings = new Dictionary<string, string?>
        {
            ["Gvm:Silo:Storage"] = store,
            ["Gvm:Silo:Clustering"] = clustering,
            ["Gvm:Silo:ServiceId"] = $"svc-{id}",
            ["Gvm:Silo:ClusterId"] = $"cluster-{id}",
        };
        if (store == "Sqlite")
        {
            settings["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"gvm-{id}", "state.db")}";
        }

        if (store == "PostgreSql" || clustering == "PostgreSql")
        {
            settings["ConnectionStrings:PostgreSql"] = postgres.ConnectionString(await postgres.CreateDatabaseAsync());
        }

        if (store == "Redis" || clustering == "Redis")
        {
            settings["ConnectionStrings:Redis"] = redis.ConnectionString;
        }

        if (store.StartsWith("Azure", StringComparison.Ordinal) || clustering == "AzureTable")
        {
            settings["ConnectionStrings:AzureStorage"] = (azurite ?? throw new ArgumentNullException(nameof(azurite), "the Azure backends need Azurite.")).ConnectionString;
        }

        return settings;
    }

    /// <summary>
    /// Prompts whose state the backend holds, counted by the database's own client rather than
    /// through Orleans: rows of the prompt table (SQLite, PostgreSQL), keys of the service (Redis),
    /// entities of the service in the prompt table (Azure Table), prompt blobs in the service's
    /// container (Azure Blob).
    /// </summary>
    public static async Task<long> StoredStatesAsync(Dictionary<string, string?> settings)
    {
        string service = settings["Gvm:Silo:ServiceId"]!;
        switch (settings["Gvm:Silo:Storage"])
        {
            case "PostgreSql":
                await using (var connection = new NpgsqlConnection(settings["ConnectionStrings:PostgreSql"]))
                {
                    await connection.OpenAsync();
                    await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM gvm_prompts", connection);
                    return (long)(await command.ExecuteScalarAsync())!;
                }

            case "Sqlite":
                await using (var connection = new SqliteConnection(settings["ConnectionStrings:Sqlite"]))
                {
                    await connection.OpenAsync();
                    await using var command = connection.CreateCommand();
                    command.CommandText = "SELECT COUNT(*) FROM gvm_prompts";
                    return (long)(await command.ExecuteScalarAsync())!;
                }

            case "Redis":
                await using (var redis = await ConnectionMultiplexer.ConnectAsync(settings["ConnectionStrings:Redis"]!))
                {
                    var server = redis.GetServers()[0];
                    return server.Keys(pattern: $"*{service}*").LongCount();
                }

            case "AzureTable":
                return (await PromptEntitiesAsync(settings)).Count;

            case "AzureBlob":
                return (await PromptBlobsAsync(settings)).Count;

            default:
                throw new ArgumentException("a persistent store is needed.");
        }
    }

    /// <summary>The service's entities in the Azure prompt table, read with Azure's own client.</summary>
    public static async Task<List<TableEntity>> PromptEntitiesAsync(Dictionary<string, string?> settings)
    {
        string service = settings["Gvm:Silo:ServiceId"]!;
        var table = new TableClient(settings["ConnectionStrings:AzureStorage"], AzureNames.PromptTable);
        var entities = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey ge {service + "_"} and PartitionKey lt {service + "`"}")))
        {
            entities.Add(entity);
        }

        return entities;
    }

    /// <summary>The prompt grains' blobs in the service's container, read with Azure's own client.</summary>
    public static async Task<List<BlobClient>> PromptBlobsAsync(Dictionary<string, string?> settings)
    {
        var container = new BlobContainerClient(settings["ConnectionStrings:AzureStorage"], AzureNames.GrainStateContainer(settings["Gvm:Silo:ServiceId"]!));
        var blobs = new List<BlobClient>();
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "prompt-", CancellationToken.None))
        {
            blobs.Add(container.GetBlobClient(blob.Name));
        }

        return blobs;
    }

    /// <summary>Fails if any log line holds a server password.</summary>
    public static void AssertNoSecrets(IEnumerable<string> lines)
    {
        var leaked = lines.Where(l => l.Contains(PostgresServer.Password, StringComparison.Ordinal) || l.Contains(RedisServer.Password, StringComparison.Ordinal) || l.Contains(AzuriteServer.Key, StringComparison.Ordinal)).ToList();
        Assert.True(leaked.Count == 0, $"a password reached the log: {leaked.FirstOrDefault()}");
    }
}
