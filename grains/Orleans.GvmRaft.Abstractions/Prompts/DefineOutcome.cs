namespace Orleans.GvmRaft.Prompts;

/// <summary>What defining a prompt did.</summary>
public enum DefineOutcome
{
    /// <summary>The prompt did not exist and now does.</summary>
    Created,

    /// <summary>The prompt already existed with exactly this definition; nothing changed.</summary>
    Unchanged,
}
