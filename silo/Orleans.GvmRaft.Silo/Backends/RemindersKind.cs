namespace Orleans.GvmRaft.Silo.Backends;

/// <summary>Where reminders live (<c>Gvm:Silo:Reminders</c>); they bring driven runs back after a silo dies.</summary>
public enum RemindersKind
{
    /// <summary>The clustering's store: memory for localhost clustering, else PostgreSQL, Redis or Azure Table.</summary>
    Auto,

    /// <summary>In the silos' memory.</summary>
    Memory,

    /// <summary>PostgreSQL (<c>ConnectionStrings:PostgreSql</c>).</summary>
    PostgreSql,

    /// <summary>Redis (<c>ConnectionStrings:Redis</c>).</summary>
    Redis,

    /// <summary>Azure Table storage (<c>ConnectionStrings:AzureStorage</c>).</summary>
    AzureTable,
}
