using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Training;

/// <summary>The clipped surrogate of one batch, summed over its response tokens.</summary>
/// <param name="LossSum">−Σ min(ρ · A, clip(ρ) · A), with gradient.</param>
/// <param name="ClippedTokens">Tokens where the clip binds (their gradient is zero).</param>
/// <param name="KlSum">Σ (ρ − 1) − log ρ, the k3 estimate of KL(π_old ‖ π_θ) times the token count.</param>
public sealed record SurrogateTerms(Tensor LossSum, double ClippedTokens, double KlSum);
