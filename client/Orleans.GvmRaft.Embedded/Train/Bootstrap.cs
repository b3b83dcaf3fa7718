namespace Orleans.GvmRaft.Embedded.Train;

/// <summary>
/// Percentile bootstrap over seeds: resample the seeds with replacement, recompute the statistic,
/// and take the 2.5th and 97.5th percentiles of the resampled values. Seeded, so a report is
/// reproducible from its runs.
/// </summary>
public static class Bootstrap
{
    /// <summary>Resamples per interval.</summary>
    public const int Resamples = 10_000;

    /// <summary>The mean of <paramref name="values"/> and its 95 % interval.</summary>
    public static (double Mean, double Low, double High) Mean(IReadOnlyList<double> values, int seed = 2505)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Statistic(values.Count, picks => picks.Average(i => values[i]), seed);
    }

    /// <summary>
    /// The ratio of the means of two paired samples (same seeds, same order), <c>mean(a) / mean(b)</c>,
    /// and its 95 % interval: seeds are resampled as pairs, so what the arms share (a seed's
    /// problems and warm-up) cancels.
    /// </summary>
    public static (double Ratio, double Low, double High) PairedRatio(IReadOnlyList<double> a, IReadOnlyList<double> b, int seed = 2505)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"paired samples must have the same size ({a.Count} and {b.Count}).", nameof(b));
        }

        return Statistic(a.Count, picks => picks.Average(i => a[i]) / picks.Average(i => b[i]), seed);
    }

    /// <summary>
    /// The mean paired difference <c>mean(a − b)</c> of two paired samples (same seeds, same order)
    /// and its 95 % interval, seeds resampled as pairs.
    /// </summary>
    public static (double Mean, double Low, double High) PairedDifference(IReadOnlyList<double> a, IReadOnlyList<double> b, int seed = 2505)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"paired samples must have the same size ({a.Count} and {b.Count}).", nameof(b));
        }

        return Statistic(a.Count, picks => picks.Average(i => a[i] - b[i]), seed);
    }

    private static (double Value, double Low, double High) Statistic(int count, Func<int[], double> statistic, int seed)
    {
        if (count == 0)
        {
            throw new ArgumentException("the bootstrap needs at least one value.");
        }

        double value = statistic([.. Enumerable.Range(0, count)]);
        var random = new Random(seed);
        var resampled = new double[Resamples];
        var picks = new int[count];
        for (int r = 0; r < Resamples; r++)
        {
            for (int i = 0; i < count; i++)
            {
                picks[i] = random.Next(count);
            }

            resampled[r] = statistic(picks);
        }

        Array.Sort(resampled);
        return (value, Percentile(resampled, 0.025), Percentile(resampled, 0.975));
    }

    // Linear interpolation between the two nearest ranks.
    private static double Percentile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }
}
