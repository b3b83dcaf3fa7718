namespace Orleans.GvmRaft.Silo.Backends;

/// <summary>Where grain state lives (<c>Gvm:Silo:Storage</c>).</summary>
public enum StorageKind
{
    /// <summary>In the silos' memory: lost when the cluster stops.</summary>
    Memory,

    /// <summary>A local SQLite file (<c>ConnectionStrings:Sqlite</c>): one machine, no server, kept across restarts.</summary>
    Sqlite,

    /// <summary>PostgreSQL through the Orleans ADO.NET provider (<c>ConnectionStrings:PostgreSql</c>).</summary>
    PostgreSql,

    /// <summary>Redis through the Orleans Redis provider (<c>ConnectionStrings:Redis</c>).</summary>
    Redis,

    /// <summary>
    /// Azure Storage (<c>ConnectionStrings:AzureStorage</c>): one Table entity per prompt, and the
    /// state that grows with the pool (set shards, runs, their queues and indexes) in Blob storage,
    /// where no entity limit applies.
    /// </summary>
    AzureTable,

    /// <summary>Azure Blob storage (<c>ConnectionStrings:AzureStorage</c>): one blob per grain.</summary>
    AzureBlob,
}
