using Orleans.GvmRaft.Catalog;
using Orleans.GvmRaft.PromptSets;

namespace Orleans.GvmRaft.Client.Prompts.Export;

/// <summary>
/// Reads a prompt set's statistics page by page (the set's ids, then their rows through the
/// catalog, one query per page on the prompt table) and hands each page to a writer.
/// </summary>
public sealed class PromptExporter(IGrainFactory grains, int pageSize = 5_000)
{
    /// <summary>Exports set <paramref name="set"/>; <paramref name="onProgress"/> hears (done, total). Returns the rows written.</summary>
    public async Task<long> ExportAsync(string set, IPromptExportWriter writer, Action<long, long>? onProgress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        PromptSetLayout.ValidateName(set);
        var setGrain = grains.GetGrain<IPromptSetGrain>(set);
        long total = await setGrain.GetCountAsync();
        if (total == 0)
        {
            throw new Failures.NotFoundException($"prompt set '{set}' is empty or unknown.");
        }

        var catalog = grains.GetGrain<IPromptCatalogGrain>(0);
        long done = 0;
        onProgress?.Invoke(0, total);
        while (done < total)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string[] ids = await setGrain.GetIdsAsync(done, (int)Math.Min(pageSize, total - done));
            var snapshots = await catalog.ReadAsync(ids);
            var rows = new List<PromptExportRow>(ids.Length);
            for (int i = 0; i < ids.Length; i++)
            {
                rows.Add(PromptExportRow.Of(snapshots[i] ?? throw new InvalidOperationException($"prompt set '{set}' lists prompt '{ids[i]}', which is not stored.")));
            }

            await writer.WriteAsync(rows, cancellationToken);
            done += ids.Length;
            onProgress?.Invoke(done, total);
        }

        return done;
    }
}
