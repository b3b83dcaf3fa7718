namespace Orleans.GvmRaft.Prompts;

/// <summary>The verifiers a prompt can name; the policy engine implements them.</summary>
public static class VerifierKinds
{
    /// <summary>Exact string match, for synthetic tasks.</summary>
    public const string Exact = "exact";

    /// <summary>The last <c>\boxed{...}</c>, normalised as the MATH benchmark does.</summary>
    public const string Math = "math";

    /// <summary>GSM8K style: the number after <c>####</c>.</summary>
    public const string Gsm8k = "gsm8k";

    /// <summary>The verifier of a prompt that names none.</summary>
    public const string Default = Math;

    /// <summary>Every known kind, in the order help texts list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Exact, Math, Gsm8k];

    /// <summary>True for a kind in <see cref="All"/> (case-sensitive: kinds are identifiers).</summary>
    public static bool IsKnown(string? kind) => kind is Exact or Math or Gsm8k;
}
