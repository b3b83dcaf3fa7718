namespace Orleans.GvmRaft.Policy.Training;

/// <summary>What one optimiser step saw.</summary>
/// <param name="Loss">The token-mean objective that was minimised.</param>
/// <param name="MeanRatio">Mean importance ratio π/π_old over response tokens.</param>
/// <param name="ClipFraction">Share of response tokens whose ratio was clipped.</param>
/// <param name="GradNorm">Global gradient norm before clipping.</param>
/// <param name="Kl">Token-mean k3 KL estimate to the reference policy (0 without one).</param>
/// <param name="Tokens">Response tokens in the batch.</param>
/// <param name="Nll">Token-mean −log π of the batch's responses before the step.</param>
public sealed record UpdateMetrics(double Loss, double MeanRatio, double ClipFraction, double GradNorm, double Kl, long Tokens, double Nll);
