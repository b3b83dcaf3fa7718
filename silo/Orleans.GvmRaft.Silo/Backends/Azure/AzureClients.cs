using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace Orleans.GvmRaft.Silo.Backends;

/// <summary>
/// Azure clients made while the silo is configured, so that a malformed
/// <c>ConnectionStrings:AzureStorage</c> stops it with a line naming the setting rather than a
/// stack trace from inside a provider's start (the string itself is never repeated).
/// </summary>
public static class AzureClients
{
    /// <summary>A table client of the account.</summary>
    public static TableServiceClient Tables(string connectionString) => Create(() => new TableServiceClient(connectionString));

    /// <summary>A blob client of the account.</summary>
    public static BlobServiceClient Blobs(string connectionString) => Create(() => new BlobServiceClient(connectionString));

    private static T Create<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new OptionsValidationException("ConnectionStrings:AzureStorage", typeof(ConnectionStrings),
                [$"ConnectionStrings:AzureStorage is not an Azure Storage connection string the Azure SDK accepts ({e.GetType().Name}): expected DefaultEndpointsProtocol=...;AccountName=...;AccountKey=... (and BlobEndpoint/TableEndpoint for an emulator)."]);
        }
    }
}
