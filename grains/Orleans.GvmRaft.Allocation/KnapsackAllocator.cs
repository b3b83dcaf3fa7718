namespace Orleans.GvmRaft.Allocation;

/// <summary>
/// Knapsack RL's allocation (arXiv 2509.25849, DESIGN §4): from each prompt's pass rate p in the
/// previous epoch, with no probing stage. Prompts with 0 &lt; p &lt; 1 get <c>minSamples</c> first,
/// as do prompts with p = 0 or p = 1 (the reference's default fixed counts). The rest of the budget
/// goes by a dynamic-programming knapsack over the 0 &lt; p &lt; 1 prompts: k more samples are worth
/// (1 − p^(k+min) − (1−p)^(k+min)) · p(1−p)², at most <c>maxSamples</c> per prompt; when no such
/// prompt remains it goes to the p = 0 prompts (else to all) evenly. What the caps leave unspent is
/// spread evenly over the 0 &lt; p &lt; 1 prompts, past their cap, as the reference's solver does: the
/// iteration's budget is always spent.
/// </summary>
public static class KnapsackAllocator
{
    /// <summary>
    /// Counts for <paramref name="passRates"/> summing to exactly <paramref name="budget"/> (when the
    /// budget covers the fixed counts; else the fixed counts are cut from the last prompts).
    /// </summary>
    public static int[] Allocate(IReadOnlyList<double> passRates, int budget, int minSamples, int maxSamples)
    {
        ArgumentNullException.ThrowIfNull(passRates);
        ArgumentOutOfRangeException.ThrowIfNegative(budget);
        ArgumentOutOfRangeException.ThrowIfLessThan(minSamples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSamples, minSamples);
        int count = passRates.Count;
        var samples = new int[count];
        if (count == 0)
        {
            return samples;
        }

        if (passRates.Any(p => !(p >= 0 && p <= 1)))
        {
            throw new ArgumentException("pass rates must lie in [0, 1].", nameof(passRates));
        }

        int left = budget;
        for (int i = 0; i < count && left > 0; i++)
        {
            samples[i] = Math.Min(minSamples, left);
            left -= samples[i];
        }

        int[] effective = [.. Enumerable.Range(0, count).Where(i => passRates[i] > 0 && passRates[i] < 1)];
        if (left == 0)
        {
            return samples;
        }

        if (effective.Length == 0)
        {
            int[] zero = [.. Enumerable.Range(0, count).Where(i => passRates[i] == 0)];
            Spread(samples, zero.Length > 0 ? zero : [.. Enumerable.Range(0, count)], left);
            return samples;
        }

        int extra = maxSamples - minSamples;
        int[] chosen = Knapsack([.. effective.Select(i => passRates[i])], left, minSamples, extra);
        for (int j = 0; j < effective.Length; j++)
        {
            samples[effective[j]] += chosen[j];
        }

        // What the caps left unspent goes evenly to the same prompts, as the reference does.
        Spread(samples, effective, left - chosen.Sum());
        return samples;
    }

    /// <summary>The value of giving a prompt of pass rate <paramref name="p"/> <paramref name="k"/> samples beyond <paramref name="minSamples"/>; 0 for k = 0.</summary>
    public static double Value(double p, int k, int minSamples) =>
        k == 0 ? 0 : (1 - Math.Pow(p, k + minSamples) - Math.Pow(1 - p, k + minSamples)) * p * (1 - p) * (1 - p);

    // Exact-capacity DP: best[w] is the most value with exactly w samples over the items so far;
    // the largest reachable w ≤ capacity is used, and the choices are walked back from it.
    private static int[] Knapsack(double[] rates, int capacity, int minSamples, int maxExtra)
    {
        int n = rates.Length;
        var best = new double[capacity + 1];
        Array.Fill(best, double.NegativeInfinity);
        best[0] = 0;
        var take = new int[n, capacity + 1];
        for (int i = 0; i < n; i++)
        {
            var next = (double[])best.Clone();
            for (int w = 0; w <= capacity; w++)
            {
                for (int k = 1; k <= Math.Min(maxExtra, w); k++)
                {
                    if (!double.IsNegativeInfinity(best[w - k]))
                    {
                        double value = best[w - k] + Value(rates[i], k, minSamples);
                        if (value > next[w])
                        {
                            next[w] = value;
                            take[i, w] = k;
                        }
                    }
                }
            }

            best = next;
        }

        int used = capacity;
        while (used > 0 && double.IsNegativeInfinity(best[used]))
        {
            used--;
        }

        var chosen = new int[n];
        for (int i = n - 1; i >= 0; i--)
        {
            chosen[i] = take[i, used];
            used -= chosen[i];
        }

        return chosen;
    }

    private static void Spread(int[] samples, int[] over, int amount)
    {
        if (amount <= 0 || over.Length == 0)
        {
            return;
        }

        for (int j = 0; j < over.Length; j++)
        {
            samples[over[j]] += (amount / over.Length) + (j < amount % over.Length ? 1 : 0);
        }
    }
}
