using Orleans.GvmRaft.Catalog;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.PromptSets;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Silo.PromptTable;

/// <summary>
/// <see cref="IPromptCatalog"/> straight on the prompt table: a batch of prompts is read in one
/// query and inserted in one transaction, without activating a grain per prompt.
/// </summary>
public sealed class TablePromptCatalog(IPromptTable table, IGrainFactory grains) : IPromptCatalog
{
    private const int MaxConcurrentCalls = 256;

    /// <inheritdoc />
    public async Task<string[]> FindConflictsAsync(PromptDefinition[] prompts)
    {
        var rows = await table.ReadAsync([.. prompts.Select(p => p.Id)]);
        return [.. prompts.Where((p, i) => rows[i] is { } row && !SameDefinition(row, p)).Select(p => p.Id)];
    }

    /// <summary>
    /// New prompts are inserted already in the set; prompts stored before join it through their
    /// grain (an active grain holds the row's version, so the row is not written behind its back).
    /// The set's list is appended before the rows say they joined, and the set grain ignores an
    /// append it has just taken, so a batch repeated after a kill neither loses nor doubles a member.
    /// </summary>
    public async Task<ImportBatchResult> ImportAsync(PromptDefinition[] prompts, string? set)
    {
        var rows = await table.ReadAsync([.. prompts.Select(p => p.Id)]);
        for (int i = 0; i < prompts.Length; i++)
        {
            if (rows[i] is { } row && !SameDefinition(row, prompts[i]))
            {
                throw new PromptConflictException(prompts[i].Id);
            }
        }

        var absent = prompts.Where((_, i) => rows[i] is null).ToList();
        var stored = prompts.Where((_, i) => rows[i] is { } row && (set is null || !PromptRowJson.ReadStrings(row.Sets).Contains(set))).ToList();
        if (set is not null && absent.Count + stored.Count > 0)
        {
            await grains.GetGrain<IPromptSetGrain>(set).AppendAsync([.. absent.Concat(stored).Select(p => p.Id)]);
        }

        bool[] inserted = await table.InsertNewAsync([.. absent.Select(p => PromptRow.New(p, set))]);

        // Stored meanwhile by someone else: they join like the prompts stored before.
        var joinThroughGrain = set is null ? [] : stored.Concat(absent.Where((_, i) => !inserted[i])).ToList();
        await BoundedFanOut.RunAsync(joinThroughGrain.Count, MaxConcurrentCalls, async i =>
        {
            var grain = grains.GetGrain<IPromptGrain>(joinThroughGrain[i].Id);
            if (await grain.GetDefinitionAsync() is { } definition && definition != joinThroughGrain[i])
            {
                throw new PromptConflictException(definition.Id);
            }

            return await grain.JoinSetAsync(set!);
        });

        int created = inserted.Count(x => x);
        return new ImportBatchResult(created, prompts.Length - created, set is null ? 0 : absent.Count + stored.Count);
    }

    /// <inheritdoc />
    public async Task<PromptSnapshot?[]> ReadAsync(string[] ids)
    {
        var rows = await table.ReadAsync(ids);
        return [.. rows.Select(row =>
        {
            if (row is null)
            {
                return null;
            }

            var s = row.ToState();
            return new PromptSnapshot(s.Definition!, s.Statistics, s.LatestEstimate, s.LastAllocation, s.History, s.Sets);
        })];
    }

    private static bool SameDefinition(PromptRow row, PromptDefinition prompt) =>
        row.Text == prompt.Text && row.Answer == prompt.Answer && row.Verifier == prompt.Verifier;
}
