namespace Orleans.GvmRaft.Policy.Training;

/// <summary>What one optimiser step saw.</summary>
/// <param name="Loss">The token-mean objective that was minimised, −min(ρ · A, clip(ρ) · A).</param>
/// <param name="GradNorm">Global gradient norm before clipping.</param>
/// <param name="Tokens">Response tokens in the batch.</param>
/// <param name="Nll">Token-mean −log π of the batch's responses before the step.</param>
/// <param name="ClipFraction">Share of the batch's tokens where the ratio's clip bound (no gradient from them).</param>
/// <param name="ApproxKl">Token-mean k3 estimate of KL(π_old ‖ π_θ) before the step.</param>
public sealed record UpdateMetrics(double Loss, double GradNorm, long Tokens, double Nll, double ClipFraction = 0, double ApproxKl = 0);
