namespace Orleans.GvmRaft.Silo.PromptTable;

/// <summary>The <c>gvm_prompts</c> table of one database. Every method that writes is one transaction.</summary>
public interface IPromptTable
{
    /// <summary>How many writes may be in flight at once (SQLite has one writer).</summary>
    int MaxConcurrentWrites { get; }

    /// <summary>What is stored for each of <paramref name="ids"/>, in order: nothing, the row, or why it is unusable.</summary>
    Task<StoredRow[]> ReadAsync(IReadOnlyList<string> ids);

    /// <summary>
    /// Writes rows with a per-row version check: a row's <see cref="PromptRow.Version"/> is the
    /// version it writes, and the stored row must be one version older (or absent when it is 1).
    /// Returns per row whether it was written; a refused row changes nothing, and the others are
    /// written all together or not at all. The ids must be distinct.
    /// </summary>
    Task<bool[]> WriteAsync(IReadOnlyList<PromptRow> rows);

    /// <summary>Inserts rows whose ids are not stored yet and leaves the others alone; true per row inserted.</summary>
    Task<bool[]> InsertNewAsync(IReadOnlyList<PromptRow> rows);

    /// <summary>Deletes a row at <paramref name="version"/>; false when it is at another version or gone.</summary>
    Task<bool> DeleteAsync(string id, long version);
}
