namespace Orleans.GvmRaft.Index;

/// <summary>What <c>gvm prompts top</c> orders by (largest first).</summary>
public enum PromptRanking
{
    /// <summary>The last stage-2 count n_i.</summary>
    Allocation,

    /// <summary>The latest stage-1 acceptance rate p_i.</summary>
    AcceptRate,

    /// <summary>The latest stage-1 mean gradient norm G_i.</summary>
    GradNorm,

    /// <summary>Samples spent on the prompt, both stages, over its life.</summary>
    Samples,
}
