namespace Orleans.GvmRaft.Policy.Verifiers;

/// <summary>The verifier for a kind name: <c>exact</c>, <c>math</c> or <c>gsm8k</c>.</summary>
public static class Verifier
{
    /// <summary>Returns the verifier; an unknown kind throws <see cref="ArgumentException"/>.</summary>
    public static IVerifier For(string kind) => kind switch
    {
        "exact" => new ExactMatchVerifier(),
        "math" => new MathVerifier(),
        "gsm8k" => new Gsm8kVerifier(),
        _ => throw new ArgumentException($"unknown verifier '{kind}' (expected exact, math or gsm8k)."),
    };
}
