using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.PromptSets;

namespace Orleans.GvmRaft.Client.Import;

/// <summary>
/// Imports a validated prompt set all or nothing: every id is checked for a conflicting definition
/// before anything is written, and if a write still fails, the prompts this import created are
/// removed again.
/// </summary>
public sealed class PromptImporter(IGrainFactory grains, int maxConcurrentCalls = 256)
{
    /// <summary>
    /// Imports <paramref name="prompts"/> and, when <paramref name="set"/> is given, adds them to
    /// that prompt set (each prompt joins a set once, however often it is imported);
    /// <paramref name="onProgress"/> hears (phase, done, total).
    /// </summary>
    /// <exception cref="PromptConflictException">Some id already holds a different prompt; nothing was written.</exception>
    public async Task<ImportSummary> ImportAsync(
        IReadOnlyList<PromptDefinition> prompts,
        Action<string, int, int>? onProgress = null,
        CancellationToken cancellationToken = default,
        string? set = null)
    {
        if (set is not null)
        {
            PromptSetLayout.ValidateName(set);
        }

        var existing = await ForEachAsync(prompts, "checking", onProgress, cancellationToken, p => Grain(p).GetDefinitionAsync());
        for (int i = 0; i < prompts.Count; i++)
        {
            if (existing[i] is { } current && current != prompts[i])
            {
                throw new PromptConflictException(prompts[i].Id);
            }
        }

        var toCreate = prompts.Where((_, i) => existing[i] is null).ToList();
        var created = new System.Collections.Concurrent.ConcurrentBag<string>();
        try
        {
            await ForEachAsync(toCreate, "importing", onProgress, cancellationToken, async p =>
            {
                if (await Grain(p).DefineAsync(p, set) == DefineOutcome.Created)
                {
                    created.Add(p.Id);
                }

                return true;
            });
        }
        catch
        {
            // Undo: a prompt created by this import has no rollouts yet, so forgetting it loses nothing.
            await Task.WhenAll(created.Select(id => grains.GetGrain<IPromptGrain>(id).ForgetAsync()));
            throw;
        }

        if (set is not null)
        {
            // The prompts created here joined the set as they were defined; the others join now.
            var createdIds = created.ToHashSet(StringComparer.Ordinal);
            await AddToSetAsync(prompts, createdIds, set, onProgress, cancellationToken);
        }

        return new ImportSummary(created.Count, prompts.Count - created.Count);
    }

    // Joining first and appending after: a prompt that already joined is never appended twice.
    private async Task AddToSetAsync(IReadOnlyList<PromptDefinition> prompts, HashSet<string> created, string set, Action<string, int, int>? onProgress, CancellationToken cancellationToken)
    {
        var existing = prompts.Where(p => !created.Contains(p.Id)).ToList();
        var joined = await ForEachAsync(existing, $"adding to set {set}", onProgress, cancellationToken, p => Grain(p).JoinSetAsync(set));
        var fresh = prompts.Where(p => created.Contains(p.Id)).Select(p => p.Id)
            .Concat(existing.Where((_, i) => joined[i]).Select(p => p.Id)).ToArray();
        var setGrain = grains.GetGrain<IPromptSetGrain>(set);
        for (int start = 0; start < fresh.Length; start += PromptSetLayout.ShardSize)
        {
            await setGrain.AppendAsync(fresh[start..Math.Min(fresh.Length, start + PromptSetLayout.ShardSize)]);
        }
    }

    private IPromptGrain Grain(PromptDefinition prompt) => grains.GetGrain<IPromptGrain>(prompt.Id);

    private async Task<T[]> ForEachAsync<T>(
        IReadOnlyList<PromptDefinition> prompts,
        string phase,
        Action<string, int, int>? onProgress,
        CancellationToken cancellationToken,
        Func<PromptDefinition, Task<T>> call)
    {
        var results = new T[prompts.Count];
        for (int start = 0; start < prompts.Count; start += maxConcurrentCalls)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int end = Math.Min(prompts.Count, start + maxConcurrentCalls);
            var wave = new Task<T>[end - start];
            for (int i = start; i < end; i++)
            {
                wave[i - start] = call(prompts[i]);
            }

            var values = await Task.WhenAll(wave);
            values.CopyTo(results, start);
            onProgress?.Invoke(phase, end, prompts.Count);
        }

        return results;
    }
}
