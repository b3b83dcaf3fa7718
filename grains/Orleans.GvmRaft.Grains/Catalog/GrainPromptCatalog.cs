using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.PromptSets;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Catalog;

/// <summary>
/// <see cref="IPromptCatalog"/> through the prompt grains, one call per prompt: for storage that is
/// not the prompt table (memory, Redis).
/// </summary>
public sealed class GrainPromptCatalog(IGrainFactory grains) : IPromptCatalog
{
    private const int MaxConcurrentCalls = 256;

    /// <inheritdoc />
    public async Task<string[]> FindConflictsAsync(PromptDefinition[] prompts)
    {
        var stored = await BoundedFanOut.RunAsync(prompts.Length, MaxConcurrentCalls, i => Prompt(prompts[i].Id).GetDefinitionAsync());
        return [.. prompts.Where((p, i) => stored[i] is { } s && s != p).Select(p => p.Id)];
    }

    /// <summary>
    /// As on the prompt table: prompts not yet in the set are appended first (the set does not
    /// append an id among its latest again), then defined or joined through their grains, so a
    /// batch repeated after a kill converges.
    /// </summary>
    public async Task<ImportBatchResult> ImportAsync(PromptDefinition[] prompts, string? set)
    {
        var stored = await BoundedFanOut.RunAsync(prompts.Length, MaxConcurrentCalls, i => Prompt(prompts[i].Id).GetSnapshotAsync());
        if (prompts.Where((p, i) => stored[i] is { } s && s.Definition != p).Select(p => p.Id).FirstOrDefault() is { } conflict)
        {
            throw new PromptConflictException(conflict);
        }

        string[] joining = [.. prompts.Where((_, i) => set is not null && stored[i]?.Sets?.Contains(set) != true).Select(p => p.Id)];
        if (joining.Length > 0)
        {
            await grains.GetGrain<IPromptSetGrain>(set!).AppendAsync(joining);
        }

        var created = await BoundedFanOut.RunAsync(prompts.Length, MaxConcurrentCalls, async i =>
        {
            var prompt = Prompt(prompts[i].Id);
            bool isNew = await prompt.DefineAsync(prompts[i], set) == DefineOutcome.Created;
            if (!isNew && set is not null)
            {
                await prompt.JoinSetAsync(set);
            }

            return isNew;
        });
        int createdCount = created.Count(c => c);
        return new ImportBatchResult(createdCount, prompts.Length - createdCount, joining.Length);
    }

    /// <inheritdoc />
    public Task<PromptSnapshot?[]> ReadAsync(string[] ids) =>
        BoundedFanOut.RunAsync(ids.Length, MaxConcurrentCalls, i => Prompt(ids[i]).GetSnapshotAsync());

    private IPromptGrain Prompt(string id) => grains.GetGrain<IPromptGrain>(id);
}
