namespace Orleans.GvmRaft.Policy.Training;

/// <summary>A held-out problem: the prompt as the model sees it, the reference answer, and the verifier that scores a response.</summary>
/// <param name="Prompt">The formatted prompt text.</param>
/// <param name="Answer">The reference answer.</param>
/// <param name="Verifier"><c>exact</c>, <c>math</c> or <c>gsm8k</c>.</param>
public sealed record EvalProblem(string Prompt, string Answer, string Verifier);
