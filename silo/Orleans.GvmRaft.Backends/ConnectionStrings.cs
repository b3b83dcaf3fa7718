using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Orleans.GvmRaft.Silo.Backends;

/// <summary>
/// Connection strings, from configuration or the environment only (<c>ConnectionStrings:PostgreSql</c>,
/// env <c>ConnectionStrings__PostgreSql</c>), never from code. They are handed to the providers and
/// never logged: the providers' options redact them.
/// </summary>
public static class ConnectionStrings
{
    /// <summary>The ADO.NET invariant of PostgreSQL (Npgsql).</summary>
    public const string PostgreSqlInvariant = "Npgsql";

    /// <summary>The embedded default's SQLite file, beside the working directory.</summary>
    public const string DefaultSqlite = "Data Source=gvm.db";

    /// <summary>The SQLite connection string (the default file when none is configured).</summary>
    public static string Sqlite(IConfiguration configuration) =>
        configuration.GetConnectionString("Sqlite") is { Length: > 0 } value ? value : DefaultSqlite;

    /// <summary>The PostgreSQL connection string; throws naming the setting when missing.</summary>
    public static string PostgreSql(IConfiguration configuration) => Required(configuration, "PostgreSql");

    /// <summary>The Redis connection string; throws naming the setting when missing.</summary>
    public static string Redis(IConfiguration configuration) => Required(configuration, "Redis");

    /// <summary>The Azure Storage connection string (one account: tables and blobs); throws naming the setting when missing.</summary>
    public static string AzureStorage(IConfiguration configuration) => Required(configuration, "AzureStorage");

    /// <summary>The Redis client configuration from <c>ConnectionStrings:Redis</c>.</summary>
    public static ConfigurationOptions RedisOptions(IConfiguration configuration) => ConfigurationOptions.Parse(Redis(configuration));

    private static string Required(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new OptionsValidationException(
                $"ConnectionStrings:{name}",
                typeof(ConnectionStrings),
                [$"ConnectionStrings:{name} must be set (configuration, or the environment variable ConnectionStrings__{name}) for the {name} backend."]);
}
