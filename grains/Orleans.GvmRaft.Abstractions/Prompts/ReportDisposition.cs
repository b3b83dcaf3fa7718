namespace Orleans.GvmRaft.Prompts;

/// <summary>What a prompt grain did with a rollout report.</summary>
public enum ReportDisposition
{
    /// <summary>Counted into the statistics.</summary>
    Applied,

    /// <summary>A report with this id was applied before; nothing changed.</summary>
    Duplicate,
}
