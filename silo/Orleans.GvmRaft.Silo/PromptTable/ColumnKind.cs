namespace Orleans.GvmRaft.Silo.PromptTable;

/// <summary>The kinds of value the columns of <c>gvm_prompts</c> hold.</summary>
internal enum ColumnKind
{
    /// <summary>Text.</summary>
    Text,

    /// <summary>JSON (text in SQLite, jsonb in PostgreSQL).</summary>
    Json,

    /// <summary>A 32-bit integer.</summary>
    Int32,

    /// <summary>A 64-bit integer.</summary>
    Int64,

    /// <summary>A double.</summary>
    Double,
}
