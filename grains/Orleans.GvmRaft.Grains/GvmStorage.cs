namespace Orleans.GvmRaft;

/// <summary>Names of the grain storage providers the grains persist to; the silo registers them.</summary>
public static class GvmStorage
{
    /// <summary>Prompt definitions and statistics.</summary>
    public const string Prompts = "gvm-prompts";

    /// <summary>Training runs.</summary>
    public const string Runs = "gvm-runs";
}
