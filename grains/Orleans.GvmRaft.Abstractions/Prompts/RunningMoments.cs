namespace Orleans.GvmRaft.Prompts;

/// <summary>
/// Count, mean and sum of squared deviations of a stream of values, merged batch by batch with Chan's
/// parallel update so that no batch is ever re-read and the variance stays numerically stable.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct RunningMoments(
    [property: Id(0)] long Count,
    [property: Id(1)] double Mean,
    [property: Id(2)] double M2)
{
    /// <summary>Unbiased sample variance; 0 with fewer than two values.</summary>
    public double Variance => Count > 1 ? M2 / (Count - 1) : 0;

    /// <summary>The moments of <paramref name="values"/> alone.</summary>
    public static RunningMoments Of(ReadOnlySpan<double> values)
    {
        long count = 0;
        double mean = 0;
        double m2 = 0;
        foreach (double x in values)
        {
            count++;
            double delta = x - mean;
            mean += delta / count;
            m2 += delta * (x - mean);
        }

        return new RunningMoments(count, mean, m2);
    }

    /// <summary>The moments of both streams together.</summary>
    public RunningMoments Merge(RunningMoments other)
    {
        if (other.Count == 0)
        {
            return this;
        }

        if (Count == 0)
        {
            return other;
        }

        long count = Count + other.Count;
        double delta = other.Mean - Mean;
        double mean = Mean + (delta * other.Count / count);
        double m2 = M2 + other.M2 + (delta * delta * Count * other.Count / count);
        return new RunningMoments(count, mean, m2);
    }
}
