using Orleans.GvmRaft.Silo.Backends;

namespace Orleans.GvmRaft.Client.Cluster;

/// <summary>Where an embedded silo keeps grain state.</summary>
/// <param name="Storage">Memory or Sqlite.</param>
/// <param name="SqlitePath">The SQLite file (created when missing).</param>
public sealed record EmbeddedState(StorageKind Storage, string SqlitePath)
{
    /// <summary>The embedded default: a SQLite file under runs/, so prompt statistics outlive the process.</summary>
    public const string DefaultPath = "runs/gvm-state.db";

    /// <summary>Throws <see cref="ArgumentException"/> unless the embedded silo can use this.</summary>
    public void Validate()
    {
        if (Storage is not (StorageKind.Memory or StorageKind.Sqlite))
        {
            throw new ArgumentException($"--storage must be Memory or Sqlite for the embedded silo (got {Storage}); clusters use gvm-silo with Gvm:Silo:Storage.");
        }

        if (Storage == StorageKind.Sqlite && string.IsNullOrWhiteSpace(SqlitePath))
        {
            throw new ArgumentException("--state-db must name a file.");
        }
    }
}
