using Orleans.Storage;

namespace Orleans.GvmRaft.Silo.Backends;

/// <summary>
/// The official Azure Table provider, with its refusal of an over-limit state turned into an
/// error that names the grain, the storage and the limit. The provider refuses before it sends
/// anything, so the stored entity and the grain's state (PromptGrain restores it) stay as they were.
/// </summary>
public sealed class TableEntityLimitStorage(string name, IGrainStorage inner) : IGrainStorage
{
    /// <summary>
    /// The most serialised state the provider writes to one entity: 15 binary properties of
    /// 64 KiB, inside Azure Table storage's 1 MiB per entity.
    /// </summary>
    public const int MaxStateBytes = 15 * 64 * 1024;

    // How the provider's ArgumentOutOfRangeException for a state too large begins (its parameter
    // name changed between releases; the message did not).
    private const string TooLarge = "Data too large to write to Azure table";

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await inner.WriteStateAsync(stateName, grainId, grainState);
        }
        catch (ArgumentOutOfRangeException e) when (e.Message.StartsWith(TooLarge, StringComparison.Ordinal))
        {
            throw new GrainStateTooLargeException(
                $"the state of grain {grainId} ('{stateName}' in storage '{name}') is too large for an Azure Table entity: " +
                $"{e.Message.Split(" (Parameter", 2)[0]}; the limit is {MaxStateBytes:N0} bytes (15 properties of 64 KiB in an entity of at most 1 MiB). " +
                "Nothing was written and the grain keeps its previous state; keep state this large in Blob storage (Gvm:Silo:Storage AzureBlob).",
                e);
        }
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);
}
