using Microsoft.Data.Sqlite;

namespace Orleans.GvmRaft.Silo.PromptTable;

/// <summary>
/// <c>gvm_prompts</c> in a SQLite file. SQLite has one writer, so writes take turns on one
/// connection, each batch one transaction of prepared statements; reads use their own pooled
/// connections and see the last committed state (write-ahead logging).
/// </summary>
public sealed class SqlitePromptTable(string connectionString) : IPromptTable, IDisposable
{
    private const string Now = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";
    private static readonly string Update = PromptTableSql.Update(":", Now) + ";";
    private static readonly string Insert = PromptTableSql.InsertNew(":", Now) + ";";

    // A new row binds only what differs from the column defaults (half the import's insert time).
    private static readonly string InsertNewRow = $"""
        INSERT INTO gvm_prompts (id, text, answer, verifier, sets, version, modified_at)
        VALUES (:id, :text, :answer, :verifier, :sets, :version, {Now})
        ON CONFLICT (id) DO NOTHING;
        """;
    private static readonly string Select = $"SELECT {PromptRow.ColumnList} FROM gvm_prompts WHERE id = :id;";

    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <inheritdoc />
    public int MaxConcurrentWrites => 1;

    /// <inheritdoc />
    public async Task<StoredRow[]> ReadAsync(IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var rows = new StoredRow[ids.Count];
        await using var connection = await OpenAsync();
        using var transaction = connection.BeginTransaction(deferred: true);
        using var select = new RawStatement(connection.Handle!, Select);
        var key = new object?[PromptRow.Columns.Length];
        for (int i = 0; i < ids.Count; i++)
        {
            key[0] = ids[i];
            rows[i] = select.Query(key) is { } values ? StoredRow.Of(values) : default;
        }

        return rows;
    }

    /// <inheritdoc />
    public Task<bool[]> WriteAsync(IReadOnlyList<PromptRow> rows) => ExecuteEachAsync(rows, writes: true);

    /// <inheritdoc />
    public Task<bool[]> InsertNewAsync(IReadOnlyList<PromptRow> rows) => ExecuteEachAsync(rows, writes: false);

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string id, long version)
    {
        await _writer.WaitAsync();
        try
        {
            await using var connection = await OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM gvm_prompts WHERE id = :id AND version = :version;";
            command.Parameters.AddWithValue(":id", id);
            command.Parameters.AddWithValue(":version", version);
            return await command.ExecuteNonQueryAsync() == 1;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();

    // One transaction: every row's statement returns a row when it was written; any error rolls
    // the whole batch back. A first write (version 1) inserts, a later one updates its version.
    // The statements run through SQLitePCL.raw, the layer under Microsoft.Data.Sqlite: a row is
    // then a bind per column and a step, without a data reader per row (measured 3-4x less CPU).
    private async Task<bool[]> ExecuteEachAsync(IReadOnlyList<PromptRow> rows, bool writes)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var written = new bool[rows.Count];
        await _writer.WaitAsync();
        try
        {
            await using var connection = await OpenAsync();
            using var transaction = connection.BeginTransaction();
            using var insert = new RawStatement(connection.Handle!, Insert);
            using var update = writes ? new RawStatement(connection.Handle!, Update) : null;
            using var insertNew = writes ? null : new RawStatement(connection.Handle!, InsertNewRow);
            for (int i = 0; i < rows.Count; i++)
            {
                var statement = rows[i].Version > 1 && update is not null ? update
                    : insertNew is not null && rows[i].IsNew ? insertNew
                    : insert;
                written[i] = statement.Execute(PromptTableSql.Values(rows[i]));
            }

            transaction.Commit();
            return written;
        }
        finally
        {
            _writer.Release();
        }
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }
}
