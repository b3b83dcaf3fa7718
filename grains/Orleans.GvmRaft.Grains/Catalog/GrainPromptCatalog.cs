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

    /// <inheritdoc />
    public async Task<ImportBatchResult> ImportAsync(PromptDefinition[] prompts, string? set)
    {
        if (await FindConflictsAsync(prompts) is [var conflict, ..])
        {
            throw new PromptConflictException(conflict);
        }

        var outcomes = await BoundedFanOut.RunAsync(prompts.Length, MaxConcurrentCalls, async i =>
        {
            var prompt = Prompt(prompts[i].Id);
            bool created = await prompt.DefineAsync(prompts[i], set) == DefineOutcome.Created;
            bool joined = created ? set is not null : set is not null && await prompt.JoinSetAsync(set);
            return (created, joined);
        });
        string[] joinedIds = [.. prompts.Where((_, i) => outcomes[i].joined).Select(p => p.Id)];
        if (set is not null && joinedIds.Length > 0)
        {
            await grains.GetGrain<IPromptSetGrain>(set).AppendAsync(joinedIds);
        }

        int createdCount = outcomes.Count(o => o.created);
        return new ImportBatchResult(createdCount, prompts.Length - createdCount, joinedIds.Length);
    }

    /// <inheritdoc />
    public Task<PromptSnapshot?[]> ReadAsync(string[] ids) =>
        BoundedFanOut.RunAsync(ids.Length, MaxConcurrentCalls, i => Prompt(ids[i]).GetSnapshotAsync());

    private IPromptGrain Prompt(string id) => grains.GetGrain<IPromptGrain>(id);
}
