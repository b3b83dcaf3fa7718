namespace Orleans.GvmRaft.Prompts;

/// <summary>Beta posterior on a prompt's acceptance rate, from a uniform Beta(1, 1) prior.</summary>
[GenerateSerializer, Immutable]
public readonly record struct AcceptRatePosterior(
    [property: Id(0)] double Alpha,
    [property: Id(1)] double Beta)
{
    /// <summary>The posterior after <paramref name="acceptances"/> of <paramref name="attempts"/> were accepted.</summary>
    public static AcceptRatePosterior FromCounts(long attempts, long acceptances) =>
        new(1 + acceptances, 1 + (attempts - acceptances));

    /// <summary>Posterior mean α / (α + β).</summary>
    public double Mean => Alpha / (Alpha + Beta);

    /// <summary>Posterior variance αβ / ((α + β)² (α + β + 1)).</summary>
    public double Variance
    {
        get
        {
            double sum = Alpha + Beta;
            return Alpha * Beta / (sum * sum * (sum + 1));
        }
    }
}
