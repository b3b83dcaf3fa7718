using System.Globalization;
using Microsoft.Extensions.Logging;
using Orleans.GvmRaft.Prompts;
using Orleans.Storage;

namespace Orleans.GvmRaft.Silo.PromptTable;

/// <summary>
/// The prompt grains' storage over <c>gvm_prompts</c>: each prompt's state is one typed row, and
/// the reads and writes of many grains are grouped into one statement or transaction each
/// (<see cref="GroupCommit{TRequest, TResult}"/>). A write completes only once its transaction
/// committed. The row's version is the ETag: a write from an activation that read an older version
/// is refused with <see cref="InconsistentStateException"/> for that grain alone.
/// </summary>
public sealed partial class PromptTableStorage : IGrainStorage, IAsyncDisposable
{
    private readonly IPromptTable _table;
    private readonly ILogger _logger;
    private readonly GroupCommit<string, StoredRow> _reads;
    private readonly GroupCommit<PromptRow, bool> _writes;

    /// <summary>A storage over <paramref name="table"/>, batching by <paramref name="options"/>.</summary>
    public PromptTableStorage(IPromptTable table, PromptTableOptions options, ILogger<PromptTableStorage> logger)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        _table = table;
        _logger = logger;
        // A read is an activation waiting on it: it goes at once, and reads arriving while two
        // are in flight gather into the next. Writes wait FlushDelay for company.
        _reads = new GroupCommit<string, StoredRow>(ids => _table.ReadAsync(ids), key: null, options.MaxBatchSize, TimeSpan.Zero, maxConcurrentFlushes: 2);
        _writes = new GroupCommit<PromptRow, bool>(rows => _table.WriteAsync(rows), key: r => r.Id, options.MaxBatchSize, options.FlushDelay, table.MaxConcurrentWrites);
    }

    /// <summary>Write transactions committed so far.</summary>
    public long WriteBatches => _writes.Batches;

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var state = Prompt(grainState, grainId);
        string id = KeyOf(grainId);
        var stored = await _reads.SubmitAsync(id);
        if (stored.IsMissing)
        {
            state.State = new PromptState();
            state.ETag = null;
            state.RecordExists = false;
            return;
        }

        try
        {
            state.State = stored.ToState()!;
        }
        catch (PromptRowException e)
        {
            LogBadRow(e.PromptId, e.Column, e.Message);
            throw;
        }

        state.ETag = stored.Row!.Version.ToString(CultureInfo.InvariantCulture);
        state.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var state = Prompt(grainState, grainId);
        string id = KeyOf(grainId);
        long read = Version(state.ETag);
        var row = PromptRow.FromState(id, state.State ?? throw new InvalidOperationException($"prompt {id}: no state to write."), read + 1);
        if (!await _writes.SubmitAsync(row))
        {
            throw new InconsistentStateException(
                $"prompt '{id}': its row changed since this activation read version {read} (another activation wrote it); the write was refused.",
                state.ETag ?? "none",
                "newer");
        }

        state.ETag = row.Version.ToString(CultureInfo.InvariantCulture);
        state.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var state = Prompt(grainState, grainId);
        string id = KeyOf(grainId);
        if (state.ETag is not null && !await _table.DeleteAsync(id, Version(state.ETag)))
        {
            throw new InconsistentStateException($"prompt '{id}': its row changed since this activation read it; it was not removed.", state.ETag, "newer");
        }

        state.State = new PromptState();
        state.ETag = null;
        state.RecordExists = false;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync();
        await _reads.DisposeAsync();
    }

    // The grain key of a prompt grain is its prompt id.
    private static string KeyOf(GrainId grainId) => grainId.Key.ToString()!;

    private static long Version(string? etag) =>
        etag is null ? 0 : long.Parse(etag, NumberStyles.None, CultureInfo.InvariantCulture);

    private static IGrainState<PromptState> Prompt<T>(IGrainState<T> grainState, GrainId grainId) =>
        grainState as IGrainState<PromptState>
        ?? throw new InvalidOperationException($"the prompt table stores prompt state only; grain {grainId} asked it to store {typeof(T).Name}.");

    [LoggerMessage(Level = LogLevel.Error, Message = "Prompt {PromptId} cannot be activated: column {Column} of its row is invalid. {Problem}")]
    private partial void LogBadRow(string promptId, string column, string problem);
}
