using Orleans.GvmRaft.Catalog;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.PromptSets;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Silo.PromptTable;

/// <summary>
/// <see cref="IPromptCatalog"/> straight on the prompt table: a batch of prompts is read in one
/// query and inserted in one transaction, without activating a grain per prompt. A stored row
/// that is unusable (edited by hand) stops the batch with the prompt and column named.
/// </summary>
public sealed class TablePromptCatalog(IPromptTable table, IGrainFactory grains) : IPromptCatalog
{
    private const int MaxConcurrentCalls = 256;

    /// <inheritdoc />
    public async Task<string[]> FindConflictsAsync(PromptDefinition[] prompts)
    {
        var rows = await table.ReadAsync([.. prompts.Select(p => p.Id)]);
        return [.. prompts.Where((p, i) => rows[i].RowOrThrow() is { } row && !SameDefinition(row, p)).Select(p => p.Id)];
    }

    /// <summary>
    /// The prompts not yet in the set are appended to it first, in batch order; then new prompts
    /// are inserted already marked as members, and prompts stored before join through their grain
    /// (an active grain holds the row's version, so the row is not written behind its back). A
    /// batch repeated after a kill finds the ids it appended among the set's latest and does not
    /// append them again, so membership converges without losing or doubling a member.
    /// </summary>
    public async Task<ImportBatchResult> ImportAsync(PromptDefinition[] prompts, string? set)
    {
        var rows = (await table.ReadAsync([.. prompts.Select(p => p.Id)])).Select(r => r.RowOrThrow()).ToArray();
        for (int i = 0; i < prompts.Length; i++)
        {
            if (rows[i] is { } row && !SameDefinition(row, prompts[i]))
            {
                throw new PromptConflictException(prompts[i].Id);
            }
        }

        // A stored row is checked whole (its sets are JSON a hand may have broken) before it counts.
        var joining = prompts.Where((_, i) => set is not null && (rows[i] is null || !rows[i]!.ToState().Sets.Contains(set))).ToList();
        if (joining.Count > 0)
        {
            await grains.GetGrain<IPromptSetGrain>(set!).AppendAsync([.. joining.Select(p => p.Id)]);
        }

        var absent = prompts.Where((_, i) => rows[i] is null).ToList();
        bool[] inserted = await table.InsertNewAsync(NewRows(absent, set));

        // Stored before, or meanwhile by someone else: they join through their grain.
        var insertedIds = absent.Where((_, i) => inserted[i]).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var throughGrain = joining.Where(p => !insertedIds.Contains(p.Id)).ToList();
        await BoundedFanOut.RunAsync(throughGrain.Count, MaxConcurrentCalls, async i =>
        {
            var grain = grains.GetGrain<IPromptGrain>(throughGrain[i].Id);
            if (await grain.GetDefinitionAsync() is { } definition && definition != throughGrain[i])
            {
                throw new PromptConflictException(definition.Id);
            }

            return await grain.JoinSetAsync(set!);
        });

        return new ImportBatchResult(insertedIds.Count, prompts.Length - insertedIds.Count, joining.Count);
    }

    /// <inheritdoc />
    public async Task<PromptSnapshot?[]> ReadAsync(string[] ids)
    {
        var rows = await table.ReadAsync(ids);
        return [.. rows.Select(row => row.ToState() is { } s
            ? new PromptSnapshot(s.Definition!, s.Statistics, s.LatestEstimate, s.LastAllocation, s.History, s.Sets)
            : null)];
    }

    // Every new row is the first one's but for its definition (the same set, no statistics), so
    // the row's JSON columns are written once per batch rather than once per prompt.
    private static PromptRow[] NewRows(List<PromptDefinition> prompts, string? set)
    {
        if (prompts.Count == 0)
        {
            return [];
        }

        var first = PromptRow.New(prompts[0], set);
        return [.. prompts.Select(p => first with { Id = p.Id, Text = p.Text, Answer = p.Answer, Verifier = p.Verifier })];
    }

    private static bool SameDefinition(PromptRow row, PromptDefinition prompt) =>
        row.Text == prompt.Text && row.Answer == prompt.Answer && row.Verifier == prompt.Verifier;
}
