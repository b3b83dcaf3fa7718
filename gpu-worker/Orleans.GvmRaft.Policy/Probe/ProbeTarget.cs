namespace Orleans.GvmRaft.Policy.Probe;

/// <summary>The parameter subset θ_S whose gradient norm the probe measures (the G_i of the allocation: the norm of the gradient of −log π(y|x) over this subset, per accepted response).</summary>
public enum ProbeTarget
{
    /// <summary>The input embedding matrix <c>embed_tokens</c> (the reference's choice).</summary>
    EmbedTokens,

    /// <summary>The output projection <c>lm_head</c>.</summary>
    LmHead,
}
