namespace Orleans.GvmRaft.Client.Prompts.Export;

/// <summary>The file formats of <c>gvm prompts export</c>.</summary>
public enum ExportFormat
{
    /// <summary>Apache Parquet: columnar, typed, for pandas and DuckDB.</summary>
    Parquet,

    /// <summary>One JSON object per line.</summary>
    Jsonl,
}
