using Npgsql;
using Orleans.GvmRaft.Silo.Backends;
using Orleans.GvmRaft.Tests.Backends;

namespace Orleans.GvmRaft.Tests.PromptTable;

/// <summary>
/// A database holding state of the earlier layout (prompts inside Orleans' storage table, no
/// gvm_schema) is refused at start-up with what to do, not left to fail on its first read; an
/// empty database, or one of this layout, is set up or left as it is.
/// </summary>
[Collection(BackendCollection.Name)]
public sealed class SchemaVersionTests(PostgresServer postgres)
{
    // The earlier layout's storage table with one grain's state in it.
    private const string EarlierState = """
        CREATE TABLE OrleansStorage (ServiceId TEXT, GrainTypeHash INTEGER, GrainIdHash INTEGER, GrainIdN0 BIGINT, GrainIdN1 BIGINT,
            GrainTypeString TEXT, GrainIdExtensionString TEXT, PayloadBinary BYTEA, ModifiedOn TEXT, Version INTEGER);
        INSERT INTO OrleansStorage VALUES ('svc', 1, 2, 3, 4, 'prompt', NULL, NULL, 'now', 1);
        """;

    [Fact]
    public async Task AnSqliteFileOfTheEarlierLayoutIsRefusedWithWhatToDo()
    {
        string file = Path.Combine(Path.GetTempPath(), $"gvm-old-{Guid.NewGuid():N}.db");
        string cs = $"Data Source={file}";
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(cs))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = EarlierState.Replace("BYTEA", "BLOB", StringComparison.Ordinal);
            await command.ExecuteNonQueryAsync();
        }

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SqlSchema.ApplySqliteAsync(cs));
        Assert.Contains($"the SQLite file {file} holds state written by an earlier version of gvm", e.Message);
        Assert.Contains("Point the silo at a new database (or file)", e.Message);

        // A new file is set up, and setting it up again changes nothing.
        string fresh = $"Data Source={Path.Combine(Path.GetTempPath(), $"gvm-new-{Guid.NewGuid():N}.db")}";
        await SqlSchema.ApplySqliteAsync(fresh);
        await SqlSchema.ApplySqliteAsync(fresh);
        await using var table = await TestTable.OpenAsync("Sqlite", fresh);
        Assert.Equal([2L], (await table.QueryAsync("SELECT version FROM gvm_schema")).Select(r => Convert.ToInt64(r["version"])));
    }

    [Fact]
    public async Task APostgreSqlDatabaseOfTheEarlierLayoutIsRefused()
    {
        string cs = postgres.ConnectionString(await postgres.CreateDatabaseAsync());
        await using (var connection = new NpgsqlConnection(cs))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(EarlierState, connection);
            await command.ExecuteNonQueryAsync();
        }

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SqlSchema.ApplyPostgreSqlAsync(cs));
        Assert.Contains("ConnectionStrings:PostgreSql holds state written by an earlier version of gvm", e.Message);
    }
}
