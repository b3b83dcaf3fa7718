namespace Orleans.GvmRaft.Prompts;

/// <summary>The stage of the iteration that produced a batch of rollouts (stage 1 estimates p_i and G_i with n0 draws; stage 2 draws the allocated n_i).</summary>
public enum RolloutStage
{
    /// <summary>Stage 1: n0 responses to estimate p and G.</summary>
    Estimate = 1,

    /// <summary>Stage 2: the allocated n_i responses.</summary>
    Sample = 2,
}
