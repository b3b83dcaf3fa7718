using Orleans.Concurrency;
using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Catalog;

/// <summary>Serves <see cref="IPromptCatalogGrain"/> on whichever silo the caller reaches, through the silo's <see cref="IPromptCatalog"/>.</summary>
[StatelessWorker]
[Placement.ControlPlacementFilter]
public sealed class PromptCatalogGrain(IPromptCatalog catalog) : Grain, IPromptCatalogGrain
{
    /// <inheritdoc />
    public Task<string[]> FindConflictsAsync(PromptDefinition[] prompts) => catalog.FindConflictsAsync(Validated(prompts));

    /// <inheritdoc />
    public Task<ImportBatchResult> ImportAsync(PromptDefinition[] prompts, string? set)
    {
        if (set is not null)
        {
            PromptSets.PromptSetLayout.ValidateName(set);
        }

        return catalog.ImportAsync(Validated(prompts), set);
    }

    /// <inheritdoc />
    public Task<PromptSnapshot?[]> ReadAsync(string[] ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        foreach (string id in ids)
        {
            PromptDefinition.ValidateId(id);
        }

        return catalog.ReadAsync(ids);
    }

    // A batch is checked whole before the store sees any of it.
    private static PromptDefinition[] Validated(PromptDefinition[] prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var prompt in prompts)
        {
            ArgumentNullException.ThrowIfNull(prompt);
            prompt.Validate();
            if (!seen.Add(prompt.Id))
            {
                throw new ArgumentException($"prompt '{prompt.Id}' appears twice in one batch.");
            }
        }

        return prompts;
    }
}
