namespace Orleans.GvmRaft;

/// <summary>Names of the grain storage providers the grains persist to; the silo registers them.</summary>
public static class GvmStorage
{
    /// <summary>Prompt sets and the prompt index (through the official providers).</summary>
    public const string Prompts = "gvm-prompts";

    /// <summary>
    /// The prompt grains' own state: on SQLite and PostgreSQL the typed <c>gvm_prompts</c> table with
    /// group commit, elsewhere the official provider of the chosen storage.
    /// </summary>
    public const string PromptRows = "gvm-prompt-rows";

    /// <summary>Training runs.</summary>
    public const string Runs = "gvm-runs";
}
