using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Silo.Backends;

namespace Orleans.GvmRaft.Worker.Checkpoints;

/// <summary>The checkpoint store <see cref="CheckpointOptions"/> choose.</summary>
public static class CheckpointStores
{
    /// <summary>A directory store, or a blob store whose connection string is <c>ConnectionStrings:AzureStorage</c> (configuration or environment, never logged).</summary>
    /// <exception cref="InvalidOperationException">AzureBlob without a connection string.</exception>
    public static ICheckpointStore Create(CheckpointOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Resolve(options, configuration) != "AzureBlob")
        {
            return new DirectoryCheckpointStore(options.Directory);
        }

        string connection = configuration.GetConnectionString("AzureStorage")
            ?? throw new InvalidOperationException($"{CheckpointOptions.SectionName}:Store AzureBlob needs ConnectionStrings:AzureStorage (configuration or the environment variable ConnectionStrings__AzureStorage).");
        string container = options.Container ?? AzureContainerName.For(AzureContainerName.Checkpoints, configuration["Gvm:Silo:ServiceId"] ?? ClusterDefaults.ServiceId);
        return new BlobCheckpointStore(new BlobContainerClient(connection, container), options.Directory);
    }

    /// <summary>The store <c>Auto</c> stands for: blobs when the silo keeps its grain state in Azure Storage.</summary>
    public static string Resolve(CheckpointOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        if (options.Store != "Auto")
        {
            return options.Store;
        }

        string? storage = configuration["Gvm:Silo:Storage"];
        return string.Equals(storage, "AzureTable", StringComparison.OrdinalIgnoreCase) || string.Equals(storage, "AzureBlob", StringComparison.OrdinalIgnoreCase)
            ? "AzureBlob"
            : "Directory";
    }
}
