namespace Orleans.GvmRaft.Policy.Training;

/// <summary>What one optimiser step saw.</summary>
/// <param name="Loss">The token-mean objective that was minimised, −A · log π.</param>
/// <param name="GradNorm">Global gradient norm before clipping.</param>
/// <param name="Tokens">Response tokens in the batch.</param>
/// <param name="Nll">Token-mean −log π of the batch's responses before the step.</param>
public sealed record UpdateMetrics(double Loss, double GradNorm, long Tokens, double Nll);
