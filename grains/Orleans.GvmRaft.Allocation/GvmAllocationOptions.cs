namespace Orleans.GvmRaft.Allocation;

/// <summary>Parameters of the GVM allocation (w_i = G_i / sqrt(p_i + α / p_i^(β−1)), then the optional filters T and K).</summary>
/// <param name="Alpha">Penalty weight α in <c>w = G / sqrt(p + α / p^(β−1))</c>; must be ≥ 0.</param>
/// <param name="Beta">Penalty exponent β; must be finite.</param>
/// <param name="AcceptRateCeiling">Filter T: a prompt with <c>p &gt; T</c> gets nothing. 0 turns the filter off.</param>
/// <param name="InsufficientFloor">Filter K: a prompt with <c>p · r · N &lt; K</c> gets nothing. 0 turns the filter off.</param>
public sealed record GvmAllocationOptions(
    double Alpha = GvmAllocationOptions.DefaultAlpha,
    double Beta = GvmAllocationOptions.DefaultBeta,
    double AcceptRateCeiling = 0,
    double InsufficientFloor = 0)
{
    /// <summary>The reference implementation's α.</summary>
    public const double DefaultAlpha = 1e-3;

    /// <summary>The reference implementation's β.</summary>
    public const double DefaultBeta = 2.0;

    /// <summary>The reference implementation's defaults: α = 1e-3, β = 2, both filters off.</summary>
    public static GvmAllocationOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (!double.IsFinite(Alpha) || Alpha < 0)
        {
            throw new ArgumentException($"alpha must be a finite number >= 0 (got {Alpha}).", nameof(Alpha));
        }

        if (!double.IsFinite(Beta))
        {
            throw new ArgumentException($"beta must be a finite number (got {Beta}).", nameof(Beta));
        }

        if (!double.IsFinite(AcceptRateCeiling) || AcceptRateCeiling < 0)
        {
            throw new ArgumentException(
                $"filter threshold T must be a finite number >= 0, 0 meaning off (got {AcceptRateCeiling}).",
                nameof(AcceptRateCeiling));
        }

        if (!double.IsFinite(InsufficientFloor) || InsufficientFloor < 0)
        {
            throw new ArgumentException(
                $"filter insufficient K must be a finite number >= 0, 0 meaning off (got {InsufficientFloor}).",
                nameof(InsufficientFloor));
        }
    }
}
