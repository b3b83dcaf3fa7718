using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Catalog;

/// <summary>
/// The silo's way to reach prompts in bulk (see <see cref="IPromptCatalogGrain"/>): straight to the
/// prompt table where the storage is one, else through the prompt grains (<see cref="GrainPromptCatalog"/>).
/// </summary>
public interface IPromptCatalog
{
    /// <inheritdoc cref="IPromptCatalogGrain.FindConflictsAsync"/>
    Task<string[]> FindConflictsAsync(PromptDefinition[] prompts);

    /// <inheritdoc cref="IPromptCatalogGrain.ImportAsync"/>
    Task<ImportBatchResult> ImportAsync(PromptDefinition[] prompts, string? set);

    /// <inheritdoc cref="IPromptCatalogGrain.ReadAsync"/>
    Task<PromptSnapshot?[]> ReadAsync(string[] ids);
}
