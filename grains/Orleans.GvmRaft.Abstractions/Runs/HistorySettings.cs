namespace Orleans.GvmRaft.Runs;

/// <summary>
/// How <c>gvm-history</c> uses a prompt's persisted statistics: as a prior on p and G, discounted
/// by how many policy versions old it is, that shrinks stage 1 to what the prior lacks.
/// </summary>
/// <param name="Discount">λ: a prior measured k policy versions ago counts λ^k of its samples.</param>
/// <param name="MinDraws">Stage-1 draws a prompt asks for however confident its prior (fresh gradient norms come only from draws; 0 lets a confident prompt skip stage 1).</param>
/// <param name="OtherRunDiscount">
/// A prior from another run of the same policy lineage (one started from the same checkpoint)
/// counts this share of its samples, times λ^v at this run's version v (0: other runs are ignored); priors of other lineages are ignored.
/// </param>
[GenerateSerializer, Immutable]
public sealed record HistorySettings(
    [property: Id(0)] double Discount = 0.9,
    [property: Id(1)] int MinDraws = 2,
    [property: Id(2)] double OtherRunDiscount = 0.5)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate(int stage1Samples)
    {
        RunConfig.Require(Discount > 0 && Discount <= 1, "history.discount", $"must be in (0, 1] (got {Discount})");
        RunConfig.Require(MinDraws >= 0 && MinDraws <= stage1Samples, "history.minDraws", $"must be between 0 and stage1Samples ({stage1Samples}) (got {MinDraws})");
        RunConfig.Require(OtherRunDiscount >= 0 && OtherRunDiscount <= 1, "history.otherRunDiscount", $"must be in [0, 1] (got {OtherRunDiscount})");
    }
}
