using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Orleans.GvmRaft.Silo.Backends;

/// <summary>
/// Applies the schema and the providers' named statements of <c>deploy/sql/</c> (embedded in this
/// assembly) to a database. The scripts are idempotent; silos starting together take turns.
/// </summary>
public static class SqlSchema
{
    // Any constant shared by every silo: pg_advisory_lock serialises concurrent schema set-ups.
    private const long AdvisoryLockKey = 0x47564D5241465400;

    /// <summary>The scripts of one dialect (<c>postgresql</c> or <c>sqlite</c>), in order.</summary>
    public static IReadOnlyList<(string Name, string Text)> Scripts(string dialect)
    {
        var assembly = typeof(SqlSchema).Assembly;
        string prefix = $"sql/{dialect}/";
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return (n[prefix.Length..], reader.ReadToEnd());
            })];
    }

    /// <summary>Applies the PostgreSQL scripts.</summary>
    public static async Task ApplyPostgreSqlAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
        try
        {
            await RefuseEarlierLayoutAsync(
                connection,
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('orleansstorage', 'gvm_schema')",
                "ConnectionStrings:PostgreSql",
                cancellationToken);
            await ApplyAsync(connection, Scripts("postgresql"), cancellationToken);
        }
        finally
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
        }
    }

    /// <summary>Applies the SQLite scripts, creating the file (and its folder) when missing.</summary>
    public static async Task ApplySqliteAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        SqliteBusyTimeout.Install();
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        // Write-ahead logging: readers do not wait for the writer, and a crash loses no committed write.
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
        await RefuseEarlierLayoutAsync(
            connection,
            "SELECT lower(name) FROM sqlite_master WHERE type = 'table' AND name IN ('OrleansStorage', 'gvm_schema')",
            $"the SQLite file {builder.DataSource}",
            cancellationToken);
        await ApplyAsync(connection, Scripts("sqlite"), cancellationToken);
    }

    private static async Task ApplyAsync(DbConnection connection, IReadOnlyList<(string Name, string Text)> scripts, CancellationToken cancellationToken)
    {
        if (scripts.Count == 0)
        {
            throw new InvalidOperationException("no SQL scripts are embedded in the silo; the build is broken.");
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (name, text) in scripts)
        {
            try
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = text;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (DbException e)
            {
                throw new InvalidOperationException($"applying deploy/sql/{name} failed: {e.Message}", e);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    // State written before gvm_schema existed (prompts inside OrleansStorage, JSON payloads)
    // cannot be read by this version: say so before the first grain fails on it.
    private static async Task RefuseEarlierLayoutAsync(DbConnection connection, string tablesQuery, string where, CancellationToken cancellationToken)
    {
        var tables = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = tablesQuery;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }

        if (!tables.Contains("orleansstorage") || tables.Contains("gvm_schema"))
        {
            return;
        }

        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM OrleansStorage";
        if (Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0)
        {
            throw new InvalidOperationException(
                $"{where} holds state written by an earlier version of gvm (prompts inside Orleans' storage table); this version keeps prompts in " +
                "the gvm_prompts table and cannot read that state. Point the silo at a new database (or file) and import the prompts there again " +
                "(gvm-embedded: --state-db NEW.db, or delete the old file; gvm-silo: ConnectionStrings:Sqlite or ConnectionStrings:PostgreSql).");
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
