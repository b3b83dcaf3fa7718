using Orleans.GvmRaft.Silo.Backends;

namespace Orleans.GvmRaft.Embedded.Hosting;

/// <summary>Where an embedded silo keeps grain state.</summary>
/// <param name="Storage">Memory or Sqlite; PostgreSql, Redis, AzureTable and AzureBlob take their connection string from the environment (ConnectionStrings__PostgreSql, ConnectionStrings__Redis, ConnectionStrings__AzureStorage).</param>
/// <param name="SqlitePath">The SQLite file (created when missing).</param>
public sealed record EmbeddedState(StorageKind Storage, string SqlitePath)
{
    /// <summary>The embedded default: a SQLite file under runs/, so prompt statistics outlive the process.</summary>
    public const string DefaultPath = "runs/gvm-state.db";

    /// <summary>Throws <see cref="ArgumentException"/> unless the embedded silo can use this.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Storage))
        {
            throw new ArgumentException($"--storage must be {string.Join(", ", Enum.GetNames<StorageKind>())} (got {(int)Storage}).");
        }

        if (Storage == StorageKind.Sqlite && string.IsNullOrWhiteSpace(SqlitePath))
        {
            throw new ArgumentException("--state-db must name a file.");
        }
    }
}
