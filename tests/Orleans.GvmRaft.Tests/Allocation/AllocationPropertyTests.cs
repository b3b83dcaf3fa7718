using CsCheck;
using Orleans.GvmRaft.Allocation;

namespace Orleans.GvmRaft.Tests.Allocation;

/// <summary>Invariants of the allocation over random inputs (acceptance rates often tie, as with n0 = 8).</summary>
public sealed class AllocationPropertyTests
{
    private static readonly Gen<double> AcceptRate = Gen.OneOf(Gen.Const(0.0), Gen.Const(1.0), Gen.Int[0, 8].Select(k => k / 8.0), Gen.Double[0.0, 1.0]);
    private static readonly Gen<double> GradNorm = Gen.OneOf(Gen.Const(0.0), Gen.Double[0.0, 10.0], Gen.Int[1, 4].Select(k => (double)k));

    private static readonly Gen<(double[] P, double[] G, int N, GvmAllocationOptions Options)> Inputs =
        from count in Gen.Int[1, 300]
        from p in AcceptRate.Array[count]
        from g in GradNorm.Array[count]
        from n in Gen.Int[0, 20_000]
        from threshold in Gen.OneOf(Gen.Const(0.0), Gen.Double[0.1, 1.0])
        from floor in Gen.OneOf(Gen.Const(0.0), Gen.Double[0.0, 3.0])
        from alpha in Gen.OneOf(Gen.Const(1e-3), Gen.Double[0.0, 1.0])
        from beta in Gen.OneOf(Gen.Const(2.0), Gen.Double[0.5, 4.0])
        select (p, g, n, new GvmAllocationOptions(alpha, beta, threshold, floor));

    [Fact]
    public void SumsToTheBudgetAndIsNonNegative() =>
        Inputs.Sample(x =>
        {
            var samples = GvmAllocator.Allocate(x.P, x.G, x.N, x.Options).Samples;
            Assert.Equal(x.P.Length, samples.Length);
            Assert.Equal(x.N, samples.Sum());
            Assert.All(samples, n => Assert.True(n >= 0));
        });

    [Fact]
    public void GivesNothingWhereGOrPIsZeroOrAFilterApplies() =>
        Inputs.Sample(x =>
        {
            var result = GvmAllocator.Allocate(x.P, x.G, x.N, x.Options);
            if (result.Outcome != AllocationOutcome.Weighted)
            {
                return;
            }

            double[] r = FirstNormalisation(x.P, x.G, x.Options);
            for (int i = 0; i < x.P.Length; i++)
            {
                bool excluded = x.P[i] == 0 || x.G[i] == 0
                    || (x.Options.AcceptRateCeiling > 0 && x.P[i] > x.Options.AcceptRateCeiling)
                    || (x.Options.InsufficientFloor > 0 && x.P[i] * r[i] * x.N < x.Options.InsufficientFloor);
                if (excluded)
                {
                    Assert.Equal(0, result.Samples[i]);
                }
            }
        });

    [Fact]
    public void AtEqualAcceptRateMoreGradientNeverMeansFewerSamples() =>
        Inputs.Sample(x =>
        {
            var result = GvmAllocator.Allocate(x.P, x.G, x.N, x.Options);
            if (result.Outcome != AllocationOutcome.Weighted)
            {
                return;
            }

            var samples = result.Samples;
            for (int i = 0; i < x.P.Length; i++)
            {
                for (int j = 0; j < x.P.Length; j++)
                {
                    if (x.P[i] == x.P[j] && x.G[i] > x.G[j])
                    {
                        Assert.True(samples[i] >= samples[j], $"G {x.G[i]} > {x.G[j]} at p {x.P[i]} but n {samples[i]} < {samples[j]}");
                    }
                }
            }
        });

    [Fact]
    public void EachCountIsWithinOneOfItsExactShare() =>
        Inputs.Sample(x =>
        {
            var result = GvmAllocator.Allocate(x.P, x.G, x.N, x.Options);
            if (result.Outcome != AllocationOutcome.Weighted)
            {
                return;
            }

            double[] r = FirstNormalisation(x.P, x.G, x.Options);
            var kept = r.Select((ri, i) =>
                (x.Options.AcceptRateCeiling > 0 && x.P[i] > x.Options.AcceptRateCeiling)
                || (x.Options.InsufficientFloor > 0 && !(x.P[i] * ri * x.N >= x.Options.InsufficientFloor)) ? 0 : ri).ToArray();
            double total = kept.Sum();
            for (int i = 0; i < kept.Length; i++)
            {
                double share = kept[i] / total * x.N;
                Assert.True(Math.Abs(result.Samples[i] - share) <= 1 + 1e-9, $"n {result.Samples[i]} vs exact share {share}");
            }
        });

    private static double[] FirstNormalisation(double[] p, double[] g, GvmAllocationOptions options)
    {
        double[] w = [.. p.Select((pi, i) => GvmAllocator.Weight(pi, g[i], options.Alpha, options.Beta))];
        double total = w.Sum();
        return [.. w.Select(wi => wi / total)];
    }
}
