using BenchmarkDotNet.Attributes;
using Orleans.GvmRaft.Allocation;

namespace Orleans.GvmRaft.Benchmarks;

/// <summary>
/// The GVM allocation of a million prompts against two baselines measured in the same run: the
/// uniform allocator, and GVM with a full sort for the rounding repair (what a direct port of the
/// reference's argsort does) instead of the bounded heap.
/// </summary>
[MemoryDiagnoser]
public class AllocationBenchmarks
{
    private double[] _acceptRates = [];
    private double[] _gradNorms = [];

    /// <summary>Prompts in the batch.</summary>
    [Params(1_000_000)]
    public int Prompts { get; set; }

    /// <summary>Budget per prompt on average (N = Prompts × this).</summary>
    [Params(8)]
    public int SamplesPerPrompt { get; set; }

    /// <summary>Random statistics shaped like stage-1 output: p in k/8, some unsolved, G log-normal.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _acceptRates = new double[Prompts];
        _gradNorms = new double[Prompts];
        for (int i = 0; i < Prompts; i++)
        {
            _acceptRates[i] = random.Next(0, 9) / 8.0;
            _gradNorms[i] = _acceptRates[i] == 0 ? 0 : Math.Exp((random.NextDouble() * 2) - 1);
        }
    }

    /// <summary>GVM as shipped.</summary>
    [Benchmark(Baseline = true)]
    public int[] Gvm() => GvmAllocator.Allocate(_acceptRates, _gradNorms, Prompts * SamplesPerPrompt, GvmAllocationOptions.Default).Samples;

    /// <summary>GVM with both filters on.</summary>
    [Benchmark]
    public int[] GvmWithFilters() =>
        GvmAllocator.Allocate(_acceptRates, _gradNorms, Prompts * SamplesPerPrompt, new GvmAllocationOptions(AcceptRateCeiling: 0.9, InsufficientFloor: 2)).Samples;

    /// <summary>The uniform baseline.</summary>
    [Benchmark]
    public int[] Uniform() => UniformAllocator.Allocate(Prompts, Prompts * SamplesPerPrompt).Samples;

    /// <summary>GVM weights and rounding with a full argsort of the residuals, as the reference repairs.</summary>
    [Benchmark]
    public int[] GvmFullSortRepair()
    {
        int n = Prompts;
        int budget = Prompts * SamplesPerPrompt;
        var ratios = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            ratios[i] = GvmAllocator.Weight(_acceptRates[i], _gradNorms[i], GvmAllocationOptions.DefaultAlpha, GvmAllocationOptions.DefaultBeta);
            total += ratios[i];
        }

        var samples = new int[n];
        var residuals = new double[n];
        long sum = 0;
        for (int i = 0; i < n; i++)
        {
            double scaled = ratios[i] / total * budget;
            samples[i] = (int)Math.Round(scaled, MidpointRounding.ToEven);
            residuals[i] = scaled - samples[i];
            sum += samples[i];
        }

        long error = budget - sum;
        int[] order = [.. Enumerable.Range(0, n)];
        Array.Sort(residuals, order);
        for (int k = 0; k < Math.Abs(error); k++)
        {
            samples[error > 0 ? order[n - 1 - k] : order[k]] += Math.Sign(error);
        }

        return samples;
    }
}
