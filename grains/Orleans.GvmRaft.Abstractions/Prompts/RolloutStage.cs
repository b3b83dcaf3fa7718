namespace Orleans.GvmRaft.Prompts;

/// <summary>The stage of the iteration that produced a batch of rollouts (DESIGN.md §1).</summary>
public enum RolloutStage
{
    /// <summary>Stage 1: n0 responses to estimate p and G.</summary>
    Estimate = 1,

    /// <summary>Stage 2: the allocated n_i responses.</summary>
    Sample = 2,
}
