namespace Orleans.GvmRaft.Silo.Backends;

/// <summary>The tables and containers the silo uses in an Azure Storage account (the providers' defaults elsewhere).</summary>
public static class AzureNames
{
    /// <summary>The table of prompt grains' state on <see cref="StorageKind.AzureTable"/>: one entity per prompt.</summary>
    public const string PromptTable = "GvmPrompts";

    /// <summary>
    /// The container of every other grain's state (and of all state on <see cref="StorageKind.AzureBlob"/>):
    /// one per service id, because the blob provider names a blob by grain alone, and two services
    /// sharing an account would otherwise overwrite each other's grains.
    /// </summary>
    public static string GrainStateContainer(string serviceId) => AzureContainerName.For(AzureContainerName.GrainState, serviceId);
}
