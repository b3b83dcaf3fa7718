namespace Orleans.GvmRaft.Silo.Backends;

/// <summary>How silos find each other (<c>Gvm:Silo:Clustering</c>).</summary>
public enum ClusteringKind
{
    /// <summary>Development clustering on loopback: the primary silo holds the membership in memory.</summary>
    Localhost,

    /// <summary>A membership table in PostgreSQL (<c>ConnectionStrings:PostgreSql</c>).</summary>
    PostgreSql,

    /// <summary>A membership table in Redis (<c>ConnectionStrings:Redis</c>).</summary>
    Redis,

    /// <summary>A membership table in Azure Table storage (<c>ConnectionStrings:AzureStorage</c>).</summary>
    AzureTable,
}
