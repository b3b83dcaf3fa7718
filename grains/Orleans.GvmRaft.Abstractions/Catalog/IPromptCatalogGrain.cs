using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Catalog;

/// <summary>
/// Prompts in bulk, without a grain call per prompt where the store allows it (the prompt table
/// of SQLite and PostgreSQL): what <c>gvm import</c> and <c>gvm prompts export</c> use. A
/// stateless worker: any silo serves it, many calls at once.
/// </summary>
public interface IPromptCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>The ids of <paramref name="prompts"/> already stored with a different definition.</summary>
    Task<string[]> FindConflictsAsync(PromptDefinition[] prompts);

    /// <summary>
    /// Stores the prompts not stored yet and adds every prompt to <paramref name="set"/> when given,
    /// in batch order; a prompt already stored with the same definition is unchanged. Repeating a
    /// batch (after a failure or a kill) converges to the same rows and memberships.
    /// </summary>
    /// <exception cref="PromptConflictException">
    /// A prompt is stored with a different definition. Found when the batch is read, before anything
    /// is written; only a prompt stored by someone else in the moment between would be found later.
    /// </exception>
    Task<ImportBatchResult> ImportAsync(PromptDefinition[] prompts, string? set);

    /// <summary>The stored state of <paramref name="ids"/>, in order; null for an id not stored.</summary>
    Task<PromptSnapshot?[]> ReadAsync(string[] ids);
}
