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
/// <param name="batchSize">Prompts per call (and per transaction).</param>
public sealed class PromptImporter(IGrainFactory grains, int batchSize = 5_000)
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
        int batches = (prompts.Count + batchSize - 1) / batchSize;
        var found = new string[batches][];
        int checkedSoFar = 0;
        onProgress?.Invoke("checking", 0, prompts.Count);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, batches),
            new ParallelOptions { MaxDegreeOfParallelism = ChecksInFlight, CancellationToken = cancellationToken },
            async (b, _) =>
            {
                var batch = Batch(prompts, b);
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
        for (int b = 0; written < prompts.Count; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = Batch(prompts, b);
            created += (await Catalog.ImportAsync(batch, set)).Created;
            written += batch.Length;
            onProgress?.Invoke("importing", written, prompts.Count);
        }

        return new ImportSummary(created, prompts.Count - created);
    }

    private PromptDefinition[] Batch(IReadOnlyList<PromptDefinition> prompts, int index)
    {
        int start = index * batchSize;
        return [.. Enumerable.Range(start, Math.Min(batchSize, prompts.Count - start)).Select(i => prompts[i])];
    }
}
