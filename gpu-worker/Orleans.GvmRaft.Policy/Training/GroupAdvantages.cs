namespace Orleans.GvmRaft.Policy.Training;

/// <summary>GRPO's group-normalised advantages.</summary>
public static class GroupAdvantages
{
    /// <summary>
    /// (r − mean) / (std + 1e-6) over one prompt's group, with the unbiased standard deviation; a
    /// group of one, or of identical rewards, gets all zeros: it says nothing about which response is better.
    /// </summary>
    public static double[] Compute(IReadOnlyList<double> rewards)
    {
        int n = rewards.Count;
        if (n < 2)
        {
            return new double[n];
        }

        double mean = rewards.Average();
        double std = Math.Sqrt(rewards.Sum(r => (r - mean) * (r - mean)) / (n - 1));
        return [.. rewards.Select(r => (r - mean) / (std + 1e-6))];
    }
}
