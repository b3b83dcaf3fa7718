using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Silo.Backends;
using Orleans.GvmRaft.Silo.PromptTable;
using Orleans.GvmRaft.Tests.Backends;

namespace Orleans.GvmRaft.Tests.PromptTable;

/// <summary>A fresh prompt table (schema of deploy/sql) on SQLite or PostgreSQL, with the database's own client beside it.</summary>
public sealed class TestTable : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    private TestTable(string store, string connectionString, IPromptTable table)
    {
        Store = store;
        ConnectionString = connectionString;
        Table = table;
    }

    /// <summary>Sqlite or PostgreSql.</summary>
    public string Store { get; }

    /// <summary>The database.</summary>
    public string ConnectionString { get; }

    /// <summary>The table as the silo reaches it.</summary>
    public IPromptTable Table { get; }

    /// <summary>A table on a new SQLite file or a new PostgreSQL database.</summary>
    public static async Task<TestTable> CreateAsync(PostgresServer postgres, string store)
    {
        if (store == "Sqlite")
        {
            string cs = $"Data Source={Path.Combine(Path.GetTempPath(), $"gvm-table-{Guid.NewGuid():N}.db")}";
            await SqlSchema.ApplySqliteAsync(cs);
            return new TestTable(store, cs, new SqlitePromptTable(cs));
        }

        string pg = postgres.ConnectionString(await postgres.CreateDatabaseAsync());
        await SqlSchema.ApplyPostgreSqlAsync(pg);
        return new TestTable(store, pg, new PostgresPromptTable(pg));
    }

    /// <summary>The table of a database a silo set up (its schema applied).</summary>
    public static Task<TestTable> OpenAsync(string store, string connectionString) =>
        Task.FromResult(new TestTable(store, connectionString, store == "Sqlite" ? new SqlitePromptTable(connectionString) : new PostgresPromptTable(connectionString)));

    /// <summary>A prompt storage over the table, as a silo builds one; disposed with the table.</summary>
    public PromptTableStorage Storage(TimeSpan? flushDelay = null)
    {
        var storage = new PromptTableStorage(Table, new PromptTableOptions { FlushDelay = flushDelay ?? TimeSpan.FromMilliseconds(2) }, NullLogger<PromptTableStorage>.Instance);
        _owned.Add(storage);
        return storage;
    }

    /// <summary>Runs SQL with the database's own client; <c>@id</c> is bound to <paramref name="id"/> when given.</summary>
    public async Task ExecuteAsync(string sql, string? id = null)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (id is not null)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "id";
            parameter.Value = id;
            command.Parameters.Add(parameter);
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Every row a query returns, each as its values by column name.</summary>
    public async Task<List<Dictionary<string, object?>>> QueryAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i)));
        }

        return rows;
    }

    /// <summary>A defined prompt's state with <paramref name="attempts"/> estimate attempts, half of them accepted.</summary>
    public static GrainState<PromptState> State(string id, long attempts, string? etag = null) => new(new PromptState
    {
        Definition = new PromptDefinition(id, $"What is {id}?", "1", VerifierKinds.Exact),
        Statistics = PromptStatistics.None() with { Attempts = attempts, Acceptances = attempts / 2, EstimateSamples = attempts },
        Sets = ["s"],
    })
    {
        ETag = etag,
    };

    /// <summary>The grain id of prompt <paramref name="id"/>.</summary>
    public static GrainId Grain(string id) => GrainId.Create("prompt", id);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        if (Table is IAsyncDisposable table)
        {
            await table.DisposeAsync();
        }

        if (Table is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    private async Task<DbConnection> OpenAsync()
    {
        DbConnection connection = Store == "Sqlite" ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
