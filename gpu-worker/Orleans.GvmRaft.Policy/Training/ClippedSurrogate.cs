using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Training;

/// <summary>
/// PPO's clipped surrogate over response tokens, the objective of RAFT++ and GRPO alike: per token,
/// min(ρ · A, clip(ρ, 1 − ε, 1 + ε) · A) with ρ = π_θ / π_old. Where the clip binds the token's
/// gradient is zero, so a policy that has already moved far from the sampling one on a token stops
/// being pushed further by the same sample.
/// </summary>
public static class ClippedSurrogate
{
    /// <summary>
    /// The terms of one batch: <paramref name="logProbs"/> (with gradient), <paramref name="oldLogProbs"/>
    /// and <paramref name="tokens"/> (1 on response tokens) are (B, T); <paramref name="advantages"/> is (B, 1).
    /// </summary>
    public static SurrogateTerms Compute(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor tokens, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(logProbs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        var logRatio = logProbs - oldLogProbs.detach();
        var ratio = logRatio.exp();
        var unclipped = ratio * advantages;
        var clipped = ratio.clamp(1 - epsilon, 1 + epsilon) * advantages;
        var lossSum = -(minimum(unclipped, clipped) * tokens).sum();
        using var noGrad = no_grad();

        // The clip binds where the clipped term is the smaller one: ρ > 1 + ε with A > 0, ρ < 1 − ε with A < 0.
        double clippedTokens = (clipped.lt(unclipped).to_type(ScalarType.Float32) * tokens).sum().item<float>();

        // KL(π_old ‖ π_θ) from tokens π_old drew, by the low-variance k3 estimator (ρ − 1) − log ρ, never negative.
        double klSum = (((ratio - 1) - logRatio) * tokens).sum().item<float>();
        return new SurrogateTerms(lossSum, clippedTokens, klSum);
    }
}
