namespace Orleans.GvmRaft.Runs;

/// <summary>How many prompts got how many stage-2 samples, in power-of-two bins.</summary>
public static class AllocationHistogram
{
    /// <summary>Bin labels: 0, 1, 2, 3-4, 5-8, 9-16, 17-32, 33+.</summary>
    public static IReadOnlyList<string> Bins { get; } = ["0", "1", "2", "3-4", "5-8", "9-16", "17-32", "33+"];

    /// <summary>Counts of <paramref name="samples"/> per bin, in <see cref="Bins"/> order.</summary>
    public static int[] Count(IEnumerable<int> samples)
    {
        var counts = new int[Bins.Count];
        foreach (int n in samples)
        {
            counts[n switch
            {
                0 => 0,
                1 => 1,
                2 => 2,
                <= 4 => 3,
                <= 8 => 4,
                <= 16 => 5,
                <= 32 => 6,
                _ => 7,
            }]++;
        }

        return counts;
    }
}
