using Orleans.GvmRaft.Catalog;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.PromptSets;

namespace Orleans.GvmRaft.Client.Import;

/// <summary>
/// Imports a validated prompt set in two passes over the cluster's prompt catalog: first every
/// prompt is checked against what is stored (a conflicting definition refuses the import before
/// anything is written), then the prompts are written in large batches, each one transaction on
/// the prompt table (no grain is activated per prompt). An import stopped half-way can be run
/// again: prompts already stored are unchanged, and set membership converges.
/// </summary>
/// <param name="grains">The cluster.</param>
/// <param name="batchSize">Most prompts per call (and per transaction).</param>
/// <param name="batchCharacters">
/// Most characters (ids, texts, answers) per call past its first prompt, so long prompts make
/// smaller messages: Orleans refuses a message over 100 MB, and one of 8 Mi characters takes well
/// under a second.
/// </param>
public sealed class PromptImporter(IGrainFactory grains, int batchSize = 20_000, long batchCharacters = 8 << 20)
{
    // Batches checked at once: enough to keep the silo and the database busy together.
    private const int ChecksInFlight = 4;

    private IPromptCatalogGrain Catalog => grains.GetGrain<IPromptCatalogGrain>(0);

    /// <summary>
    /// Checks, then writes <paramref name="prompts"/>, adding them to <paramref name="set"/> when
    /// given; <paramref name="onProgress"/> hears (phase, done, total).
    /// </summary>
    /// <exception cref="PromptConflictException">Some id already holds a different prompt; nothing was written.</exception>
    public async Task<ImportSummary> ImportAsync(
        IReadOnlyList<PromptDefinition> prompts,
        Action<string, int, int>? onProgress = null,
        CancellationToken cancellationToken = default,
        string? set = null)
    {
        if (await FindConflictsAsync(prompts, onProgress, cancellationToken) is [var conflict, ..])
        {
            throw new PromptConflictException(conflict);
        }

        return await WriteAsync(prompts, onProgress, cancellationToken, set);
    }

    /// <summary>
    /// The ids of <paramref name="prompts"/> stored with a different definition (phase "checking"),
    /// in file order. Checking only reads, so a few batches are checked at once.
    /// </summary>
    public async Task<List<string>> FindConflictsAsync(IReadOnlyList<PromptDefinition> prompts, Action<string, int, int>? onProgress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var batches = Batches(prompts);
        var found = new string[batches.Count][];
        int checkedSoFar = 0;
        onProgress?.Invoke("checking", 0, prompts.Count);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, batches.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ChecksInFlight, CancellationToken = cancellationToken },
            async (b, _) =>
            {
                var batch = batches[b];
                found[b] = await Catalog.FindConflictsAsync(batch);

                // One report at a time, always forward, whichever batch finished.
                lock (found)
                {
                    checkedSoFar += batch.Length;
                    onProgress?.Invoke("checking", checkedSoFar, prompts.Count);
                }
            });
        return [.. found.SelectMany(ids => ids)];
    }

    /// <summary>
    /// Writes checked prompts batch by batch, in file order (a set's order decides which prompts a
    /// seeded run draws, so it must not depend on timing); phase "importing".
    /// </summary>
    public async Task<ImportSummary> WriteAsync(IReadOnlyList<PromptDefinition> prompts, Action<string, int, int>? onProgress = null, CancellationToken cancellationToken = default, string? set = null)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (set is not null)
        {
            PromptSetLayout.ValidateName(set);
        }

        int created = 0, written = 0;
        onProgress?.Invoke("importing", 0, prompts.Count);
        foreach (var batch in Batches(prompts))
        {
            cancellationToken.ThrowIfCancellationRequested();
            created += (await Catalog.ImportAsync(batch, set)).Created;
            written += batch.Length;
            onProgress?.Invoke("importing", written, prompts.Count);
        }

        return new ImportSummary(created, prompts.Count - created);
    }

    // Consecutive batches in file order, each at most batchSize prompts and (past its first prompt)
    // batchCharacters of text.
    private List<PromptDefinition[]> Batches(IReadOnlyList<PromptDefinition> prompts)
    {
        var batches = new List<PromptDefinition[]>();
        var batch = new List<PromptDefinition>();
        long characters = 0;
        foreach (var prompt in prompts)
        {
            long size = prompt.Id.Length + prompt.Text.Length + prompt.Answer.Length + prompt.Verifier.Length;
            if (batch.Count == batchSize || (batch.Count > 0 && characters + size > batchCharacters))
            {
                batches.Add([.. batch]);
                batch.Clear();
                characters = 0;
            }

            batch.Add(prompt);
            characters += size;
        }

        if (batch.Count > 0)
        {
            batches.Add([.. batch]);
        }

        return batches;
    }
}
