namespace Orleans.GvmRaft.Allocation;

/// <summary>
/// Seeds derived from what a draw is (run seed, iteration, prompt, draw index), the same in every
/// process and on every worker; <see cref="HashCode"/> and <see cref="string.GetHashCode()"/> are
/// randomised per process, so they cannot make a run repeatable.
/// </summary>
public static class SeedMix
{
    /// <summary>SplitMix64's finaliser of <paramref name="seed"/> combined with <paramref name="value"/>.</summary>
    public static ulong Mix(ulong seed, ulong value)
    {
        ulong z = seed + 0x9E3779B97F4A7C15UL + (value * 0xBF58476D1CE4E5B9UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>FNV-1a of <paramref name="text"/>'s UTF-16 code units, mixed into <paramref name="seed"/>.</summary>
    public static ulong Mix(ulong seed, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ulong hash = 14695981039346656037;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 1099511628211;
        }

        return Mix(seed, hash);
    }

    /// <summary>A uniform draw in the open interval (0, 1) from stream <paramref name="seed"/> at position <paramref name="index"/>.</summary>
    public static double Uniform(ulong seed, ulong index) => ((Mix(seed, index) >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>A non-negative 32-bit seed for <see cref="Random"/>.</summary>
    public static int ForRandom(ulong seed, ulong value) => (int)(Mix(seed, value) >> 33);
}
