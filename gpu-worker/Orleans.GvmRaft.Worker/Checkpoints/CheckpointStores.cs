using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Orleans.GvmRaft.Policy.Checkpoints;

namespace Orleans.GvmRaft.Worker.Checkpoints;

/// <summary>The checkpoint store <see cref="CheckpointOptions"/> choose.</summary>
public static class CheckpointStores
{
    /// <summary>A directory store, or a blob store whose connection string is <c>ConnectionStrings:AzureStorage</c> (configuration or environment, never logged).</summary>
    /// <exception cref="InvalidOperationException">AzureBlob without a connection string.</exception>
    public static ICheckpointStore Create(CheckpointOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Store != "AzureBlob")
        {
            return new DirectoryCheckpointStore(options.Directory);
        }

        string connection = configuration.GetConnectionString("AzureStorage")
            ?? throw new InvalidOperationException($"{CheckpointOptions.SectionName}:Store AzureBlob needs ConnectionStrings:AzureStorage (configuration or the environment variable ConnectionStrings__AzureStorage).");
        return new BlobCheckpointStore(new BlobContainerClient(connection, options.Container), options.Directory);
    }
}
