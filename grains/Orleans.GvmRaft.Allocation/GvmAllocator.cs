namespace Orleans.GvmRaft.Allocation;

/// <summary>
/// The GVM-RAFT budget allocation (arXiv 2505.02391): weights from acceptance rate and gradient
/// norm, the optional filters, renormalisation, and a rounding that sums to exactly the budget.
/// </summary>
/// <remarks>
/// The order of floating-point operations follows the reference implementation (normalise, filter,
/// normalise again, scale), so that half-way cases round the same way it does.
/// </remarks>
public static class GvmAllocator
{
    /// <summary>
    /// <c>w = G / sqrt(p + α / p^(β−1))</c>, and 0 where <c>G = 0</c> or <c>p = 0</c>.
    /// </summary>
    public static double Weight(double acceptRate, double gradNorm, double alpha, double beta)
    {
        if (gradNorm == 0 || acceptRate == 0)
        {
            return 0;
        }

        return gradNorm / Math.Sqrt(acceptRate + (alpha / PowBetaMinusOne(acceptRate, beta)));
    }

    /// <summary>Allocates <paramref name="budget"/> samples over the prompts whose statistics are given.</summary>
    /// <param name="acceptRates">p_i in [0, 1], one per prompt.</param>
    /// <param name="gradNorms">G_i ≥ 0 and finite, one per prompt.</param>
    /// <param name="budget">N ≥ 0, the total to hand out.</param>
    /// <param name="options">α, β and the filters; validated here.</param>
    /// <exception cref="ArgumentException">An input is out of range; the message names the prompt index.</exception>
    public static AllocationResult Allocate(
        ReadOnlySpan<double> acceptRates,
        ReadOnlySpan<double> gradNorms,
        int budget,
        GvmAllocationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ValidateInputs(acceptRates, gradNorms, budget);

        int count = acceptRates.Length;
        var ratios = new double[count];
        double alpha = options.Alpha;
        double beta = options.Beta;
        double total = 0;
        for (int i = 0; i < count; i++)
        {
            double w = Weight(acceptRates[i], gradNorms[i], alpha, beta);
            ratios[i] = w;
            total += w;
        }

        if (!(total > 0))
        {
            return Fallback(count, budget);
        }

        for (int i = 0; i < count; i++)
        {
            ratios[i] /= total;
        }

        // Both filters read the ratios of the first normalisation, as the reference does.
        double ceiling = options.AcceptRateCeiling;
        if (ceiling > 0)
        {
            for (int i = 0; i < count; i++)
            {
                if (acceptRates[i] > ceiling)
                {
                    ratios[i] = 0;
                }
            }
        }

        double floor = options.InsufficientFloor;
        if (floor > 0)
        {
            double n = budget;
            for (int i = 0; i < count; i++)
            {
                if (!(acceptRates[i] * ratios[i] * n >= floor))
                {
                    ratios[i] = 0;
                }
            }
        }

        double kept = 0;
        for (int i = 0; i < count; i++)
        {
            kept += ratios[i];
        }

        if (!(kept > 0))
        {
            return Fallback(count, budget);
        }

        for (int i = 0; i < count; i++)
        {
            ratios[i] /= kept;
        }

        var samples = new int[count];
        SumPreservingRounder.Round(ratios, budget, samples);
        return new AllocationResult(samples, AllocationOutcome.Weighted);
    }

    private static AllocationResult Fallback(int count, int budget) =>
        new(UniformAllocator.Allocate(count, budget).Samples, AllocationOutcome.UniformFallback);

    // p^(β−1) without Math.Pow for the common β (2 and 1): pow(p, 1) = p and pow(p, 0) = 1 exactly,
    // so the shortcut changes no bit of the result and saves most of the time on a million prompts.
    private static double PowBetaMinusOne(double p, double beta) => beta switch
    {
        2.0 => p,
        1.0 => 1.0,
        _ => Math.Pow(p, beta - 1.0),
    };

    private static void ValidateInputs(ReadOnlySpan<double> acceptRates, ReadOnlySpan<double> gradNorms, int budget)
    {
        if (acceptRates.Length != gradNorms.Length)
        {
            throw new ArgumentException(
                $"{acceptRates.Length} acceptance rates but {gradNorms.Length} gradient norms.", nameof(gradNorms));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(budget);
        for (int i = 0; i < acceptRates.Length; i++)
        {
            double p = acceptRates[i];
            if (!(p >= 0 && p <= 1))
            {
                throw new ArgumentException($"prompt {i}: acceptance rate must be in [0, 1] (got {p}).", nameof(acceptRates));
            }

            double g = gradNorms[i];
            if (!(g >= 0) || double.IsPositiveInfinity(g))
            {
                throw new ArgumentException($"prompt {i}: gradient norm must be finite and >= 0 (got {g}).", nameof(gradNorms));
            }
        }
    }
}
