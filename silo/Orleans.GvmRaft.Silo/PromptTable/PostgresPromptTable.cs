using Npgsql;
using NpgsqlTypes;

namespace Orleans.GvmRaft.Silo.PromptTable;

/// <summary>
/// <c>gvm_prompts</c> in PostgreSQL. A batch of rows is one statement: the rows travel as one array
/// per column and are unnested into a multi-row upsert, so a batch costs one round trip and one
/// commit however many rows it holds.
/// </summary>
public sealed class PostgresPromptTable : IPromptTable, IAsyncDisposable
{
    private static readonly HashSet<string> Json = [.. PromptRow.Columns.Where(c => PromptTableSql.Kind(c) == ColumnKind.Json)];
    private static readonly string SelectList = string.Join(", ", PromptRow.Columns.Select(c => Json.Contains(c) ? $"u.{c}::jsonb" : $"u.{c}"));
    private static readonly string Source = $"FROM unnest({string.Join(", ", PromptRow.Columns.Select((_, i) => $"@p{i}"))}) AS u({PromptRow.ColumnList})";

    // One statement, so one transaction: first writes insert (a row already there is a stale
    // writer's and stays), later writes update the row only at the version they read.
    private static readonly string Write = $"""
        WITH u AS (SELECT * {Source}),
        inserted AS (
            INSERT INTO gvm_prompts ({PromptRow.ColumnList}, modified_at)
            SELECT {SelectList}, now() FROM u WHERE u.version = 1
            ON CONFLICT (id) DO NOTHING
            RETURNING id),
        updated AS (
            UPDATE gvm_prompts t SET {string.Join(", ", PromptTableSql.Mutable.Select(c => $"{c} = u.{c}{(Json.Contains(c) ? "::jsonb" : "")}"))}, modified_at = now()
            FROM u WHERE u.version > 1 AND t.id = u.id AND t.version = u.version - 1
            RETURNING t.id)
        SELECT id FROM inserted UNION ALL SELECT id FROM updated
        """;

    private static readonly string Insert = $"""
        INSERT INTO gvm_prompts ({PromptRow.ColumnList}, modified_at)
        SELECT {SelectList}, now() {Source}
        ON CONFLICT (id) DO NOTHING
        RETURNING id
        """;

    // jsonb columns are read back as text: the row keeps JSON as a string either way.
    private static readonly string Select =
        $"SELECT {string.Join(", ", PromptRow.Columns.Select(c => Json.Contains(c) ? $"{c}::text" : c))} FROM gvm_prompts WHERE id = ANY(@ids)";

    private readonly NpgsqlDataSource _source;

    /// <summary>A table reached through <paramref name="connectionString"/>.</summary>
    public PostgresPromptTable(string connectionString) => _source = NpgsqlDataSource.Create(connectionString);

    /// <inheritdoc />
    public int MaxConcurrentWrites => 4;

    /// <inheritdoc />
    public async Task<StoredRow[]> ReadAsync(IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await using var command = _source.CreateCommand(Select);
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids.ToArray() });
        var found = new Dictionary<string, StoredRow>(ids.Count, StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var values = new object?[reader.FieldCount];
                reader.GetValues(values!);
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = values[i] is DBNull ? null : values[i];
                }

                found[(string)values[0]!] = StoredRow.Of(values);
            }
        }

        return [.. ids.Select(id => found.GetValueOrDefault(id))];
    }

    /// <inheritdoc />
    public Task<bool[]> WriteAsync(IReadOnlyList<PromptRow> rows) => ExecuteAsync(rows, Write);

    /// <inheritdoc />
    public Task<bool[]> InsertNewAsync(IReadOnlyList<PromptRow> rows) => ExecuteAsync(rows, Insert);

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string id, long version)
    {
        await using var command = _source.CreateCommand("DELETE FROM gvm_prompts WHERE id = @id AND version = @version");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("version", version);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _source.DisposeAsync();

    // One statement is one transaction: the rows returned are the ones written.
    private async Task<bool[]> ExecuteAsync(IReadOnlyList<PromptRow> rows, string sql)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return [];
        }

        await using var command = _source.CreateCommand(sql);
        var values = rows.Select(PromptTableSql.Values).ToArray();
        for (int c = 0; c < PromptRow.Columns.Length; c++)
        {
            command.Parameters.Add(Column(c, values));
        }

        var written = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                written.Add(reader.GetString(0));
            }
        }

        return [.. rows.Select(r => written.Contains(r.Id))];
    }

    // One typed array per column, nulls kept.
    private static NpgsqlParameter Column(int c, object?[][] rows)
    {
        string name = $"p{c}";
        return PromptTableSql.Kind(PromptRow.Columns[c]) switch
        {
            ColumnKind.Text or ColumnKind.Json => Array(name, NpgsqlDbType.Text, rows.Select(r => (string?)r[c]).ToArray()),
            ColumnKind.Double => Array(name, NpgsqlDbType.Double, rows.Select(r => (double?)r[c]).ToArray()),
            ColumnKind.Int32 => Array(name, NpgsqlDbType.Integer, rows.Select(r => (int?)r[c]).ToArray()),
            _ => Array(name, NpgsqlDbType.Bigint, rows.Select(r => (long?)r[c]).ToArray()),
        };
    }

    private static NpgsqlParameter Array<T>(string name, NpgsqlDbType type, T[] values) => new(name, NpgsqlDbType.Array | type) { Value = values };
}
