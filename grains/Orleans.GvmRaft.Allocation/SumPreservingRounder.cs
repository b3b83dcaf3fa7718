namespace Orleans.GvmRaft.Allocation;

/// <summary>
/// Turns ratios into integer counts that sum to exactly the budget: scale, round half-to-even, then
/// move one unit at a time along the largest residuals (<c>scaled − rounded</c>) when short, the
/// smallest when over. Ties between equal residuals go to the lower index.
/// </summary>
public static class SumPreservingRounder
{
    /// <summary>Writes <c>round(ratios · budget)</c>, repaired to sum to <paramref name="budget"/>, into <paramref name="result"/>.</summary>
    public static void Round(ReadOnlySpan<double> ratios, int budget, Span<int> result)
    {
        if (ratios.Length != result.Length)
        {
            throw new ArgumentException("ratios and result must have the same length.", nameof(result));
        }

        int count = ratios.Length;
        var residuals = new double[count];
        long sum = 0;
        for (int i = 0; i < count; i++)
        {
            double scaled = ratios[i] * budget;
            double rounded = Math.Round(scaled, MidpointRounding.ToEven);
            residuals[i] = scaled - rounded;
            int value = (int)rounded;
            result[i] = value;
            sum += value;
        }

        long error = budget - sum;
        if (error == 0)
        {
            return;
        }

        int step = error > 0 ? 1 : -1;
        int[] chosen = SelectExtremes(residuals, result, (int)Math.Min(Math.Abs(error), count), largest: error > 0);
        if (chosen.Length != Math.Abs(error))
        {
            throw new InvalidOperationException(
                $"cannot repair a rounding error of {error} over {count} prompts; the ratios do not sum to 1.");
        }

        foreach (int i in chosen)
        {
            result[i] += step;
        }
    }

    /// <summary>
    /// The <paramref name="k"/> indices with the largest (or smallest) residuals, lower index first on
    /// ties, in O(n log k) with a bounded heap: k is the rounding error, usually tiny next to n, so a full
    /// sort of a million residuals would dominate the allocation. Taking a unit away never makes a count
    /// negative.
    /// </summary>
    private static int[] SelectExtremes(double[] residuals, ReadOnlySpan<int> counts, int k, bool largest)
    {
        // The heap's root is the worst of the chosen so far, the first to be displaced.
        var heap = new int[k];
        int size = 0;
        for (int i = 0; i < residuals.Length; i++)
        {
            if (!largest && counts[i] == 0)
            {
                continue;
            }

            if (size < k)
            {
                heap[size] = i;
                SiftUp(heap, size, residuals, largest);
                size++;
            }
            else if (k > 0 && Precedes(i, heap[0], residuals, largest))
            {
                heap[0] = i;
                SiftDown(heap, size, residuals, largest);
            }
        }

        return heap.AsSpan(0, size).ToArray();
    }

    // True when index a comes before index b in the repair order.
    private static bool Precedes(int a, int b, double[] residuals, bool largest)
    {
        double ra = residuals[a];
        double rb = residuals[b];
        if (ra != rb)
        {
            return largest ? ra > rb : ra < rb;
        }

        return a < b;
    }

    private static void SiftUp(int[] heap, int index, double[] residuals, bool largest)
    {
        while (index > 0)
        {
            int parent = (index - 1) / 2;
            if (!Precedes(heap[parent], heap[index], residuals, largest))
            {
                break;
            }

            (heap[parent], heap[index]) = (heap[index], heap[parent]);
            index = parent;
        }
    }

    private static void SiftDown(int[] heap, int size, double[] residuals, bool largest)
    {
        int index = 0;
        while (true)
        {
            int left = (2 * index) + 1;
            if (left >= size)
            {
                return;
            }

            int worst = left;
            int right = left + 1;
            if (right < size && Precedes(heap[left], heap[right], residuals, largest))
            {
                worst = right;
            }

            if (!Precedes(heap[index], heap[worst], residuals, largest))
            {
                return;
            }

            (heap[index], heap[worst]) = (heap[worst], heap[index]);
            index = worst;
        }
    }
}
