using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Orleans.GvmRaft.Silo.PromptTable;

/// <summary>
/// One prepared SQLite statement whose parameters are named after <see cref="PromptRow.Columns"/>
/// (":column"), run row after row: bind, step, reset.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly (int Parameter, int Column)[] _bindings;

    public RawStatement(sqlite3 db, string sql)
    {
        _db = db;
        Check(raw.sqlite3_prepare_v2(db, sql, out _statement));
        _bindings = [.. PromptRow.Columns
            .Select((column, index) => (Parameter: raw.sqlite3_bind_parameter_index(_statement, ":" + column), Column: index))
            .Where(b => b.Parameter > 0)];
    }

    /// <summary>
    /// Runs a write with a row's values; true when it changed a row. SQLite's change count says
    /// so without a RETURNING row to step through (a third less time per inserted row).
    /// </summary>
    public bool Execute(object?[] values) => Run(values, read: false) is not null || raw.sqlite3_changes(_db) > 0;

    /// <summary>Runs a query with a row's values (its key); the first row it returns, or null.</summary>
    public object?[]? Query(object?[] values) => Run(values, read: true);

    private object?[]? Run(object?[] values, bool read)
    {
        foreach (var (parameter, column) in _bindings)
        {
            Check(values[column] switch
            {
                null => raw.sqlite3_bind_null(_statement, parameter),
                string text => raw.sqlite3_bind_text(_statement, parameter, text),
                long number => raw.sqlite3_bind_int64(_statement, parameter, number),
                int number => raw.sqlite3_bind_int64(_statement, parameter, number),
                double number => raw.sqlite3_bind_double(_statement, parameter, number),
                var other => throw new InvalidOperationException($"cannot bind a {other.GetType().Name} to {PromptRow.Columns[column]}."),
            });
        }

        try
        {
            int rc = raw.sqlite3_step(_statement);
            if (rc is not (raw.SQLITE_ROW or raw.SQLITE_DONE))
            {
                Check(rc);
            }

            // A RETURNING statement makes its change on the first step; the rest only read it out.
            object?[]? returned = rc != raw.SQLITE_ROW ? null : read ? Row() : [];
            while (rc == raw.SQLITE_ROW)
            {
                rc = raw.sqlite3_step(_statement);
            }

            if (rc != raw.SQLITE_DONE)
            {
                Check(rc);
            }

            return returned;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    // The current row's values as SQLite holds them (a column may hold any type in SQLite).
    private object?[] Row()
    {
        var row = new object?[raw.sqlite3_column_count(_statement)];
        for (int i = 0; i < row.Length; i++)
        {
            row[i] = raw.sqlite3_column_type(_statement, i) switch
            {
                raw.SQLITE_INTEGER => raw.sqlite3_column_int64(_statement, i),
                raw.SQLITE_FLOAT => raw.sqlite3_column_double(_statement, i),
                raw.SQLITE_TEXT => raw.sqlite3_column_text(_statement, i).utf8_to_string(),
                raw.SQLITE_BLOB => raw.sqlite3_column_blob(_statement, i).ToArray(),
                _ => null,
            };
        }

        return row;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException($"SQLite Error {rc}: '{raw.sqlite3_errmsg(_db).utf8_to_string()}'.", rc, raw.sqlite3_extended_errcode(_db));
        }
    }
}
