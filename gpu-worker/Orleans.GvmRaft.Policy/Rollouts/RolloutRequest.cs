namespace Orleans.GvmRaft.Policy.Rollouts;

/// <summary>Draw <see cref="Count"/> responses to one prompt and verify them.</summary>
/// <param name="Prompt">The prompt text as the model sees it.</param>
/// <param name="Answer">The reference answer.</param>
/// <param name="Verifier">exact, math or gsm8k.</param>
/// <param name="Count">Responses to draw.</param>
/// <param name="MeasureGradNorms">Whether to measure the gradient norm of each accepted response (stage 1).</param>
/// <param name="DrawKey">
/// What the draws are, independent of who makes them or with what (for a run's work item: iteration,
/// stage, prompt and round); response j draws from a stream seeded by the run's seed, this key and j.
/// Null means the request's position in its call.
/// </param>
public sealed record RolloutRequest(string Prompt, string Answer, string Verifier, int Count, bool MeasureGradNorms, string? DrawKey = null);
