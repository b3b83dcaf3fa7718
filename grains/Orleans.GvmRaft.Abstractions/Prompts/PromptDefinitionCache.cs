namespace Orleans.GvmRaft.Prompts;

/// <summary>
/// A worker's cache of prompt definitions, filled a claim at a time: the prompts of a claim are
/// asked concurrently (their reads then share the store's batches) rather than one after another.
/// Definitions never change, so the cache is only bounded, never invalidated.
/// </summary>
public sealed class PromptDefinitionCache(IGrainFactory grains, int capacity = 100_000)
{
    private readonly Dictionary<string, PromptDefinition> _definitions = new(StringComparer.Ordinal);

    /// <summary>Loads the definitions of <paramref name="promptIds"/> not cached yet.</summary>
    /// <exception cref="InvalidOperationException">A prompt is unknown.</exception>
    public async Task LoadAsync(IEnumerable<string> promptIds)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        promptIds = [.. promptIds];
        string[] missing = [.. promptIds.Where(id => !_definitions.ContainsKey(id)).Distinct(StringComparer.Ordinal)];
        if (missing.Length == 0)
        {
            return;
        }

        if (_definitions.Count + missing.Length > capacity)
        {
            // Start over with exactly this claim's prompts, so none of them is dropped by the clearing.
            _definitions.Clear();
            missing = [.. promptIds.Distinct(StringComparer.Ordinal)];
        }

        var loaded = await Task.WhenAll(missing.Select(id => grains.GetGrain<IPromptGrain>(id).GetDefinitionAsync()));
        for (int i = 0; i < missing.Length; i++)
        {
            _definitions[missing[i]] = loaded[i] ?? throw new InvalidOperationException($"work item names unknown prompt '{missing[i]}'.");
        }
    }

    /// <summary>The definition of a prompt loaded by <see cref="LoadAsync"/>.</summary>
    public PromptDefinition this[string promptId] => _definitions[promptId];
}
