using System.Diagnostics;
using Orleans.GvmRaft.Allocation;
using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Client.Bench;

/// <summary>
/// Times the coordinator's allocation step for one batch on a silo: gathering every prompt's
/// estimate, solving, and handing each prompt its n_i. The uniform allocator through the same
/// grain (no gathering, the same hand-out) and the bare GVM solve are measured in the same run.
/// </summary>
public sealed class CoordinatorBenchmark(IGrainFactory grains)
{
    private const int WarmUp = 5;

    /// <summary>Per-variant timings in milliseconds, one per allocated iteration.</summary>
    public sealed record Timings(string Variant, double[] Milliseconds)
    {
        /// <summary>Median of the timings.</summary>
        public double Median => Percentile(0.5);

        /// <summary>90th percentile of the timings.</summary>
        public double P90 => Percentile(0.9);

        private double Percentile(double q)
        {
            var sorted = Milliseconds.Order().ToArray();
            return sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(q * sorted.Length))];
        }
    }

    /// <summary>Imports <paramref name="prompts"/> prompts with estimates, then times <paramref name="repeats"/> allocations of each variant.</summary>
    public async Task<IReadOnlyList<Timings>> RunAsync(int prompts, int repeats, Action<string>? log = null)
    {
        string prefix = $"bench-{Guid.NewGuid():N}";
        var definitions = Enumerable.Range(0, prompts)
            .Select(i => new PromptDefinition($"{prefix}-{i}", $"benchmark problem {i}", "0", VerifierKinds.Exact))
            .ToList();
        await new PromptImporter(grains).ImportAsync(definitions);
        var random = new Random(7);
        await Task.WhenAll(definitions.Select(d =>
        {
            int accepted = random.Next(0, 9);
            double[] norms = [.. Enumerable.Range(0, accepted).Select(_ => Math.Exp(random.NextDouble()))];
            return grains.GetGrain<IPromptGrain>(d.Id).RecordRolloutsAsync(
                new RolloutReport($"{d.Id}/estimate", "bench", 1, 0, RolloutStage.Estimate, 8, accepted, norms));
        }));
        log?.Invoke($"imported {prompts} prompts with stage-1 estimates");

        string[] ids = [.. definitions.Select(d => d.Id)];
        AllocatorKind[] variants = [AllocatorKind.Gvm, AllocatorKind.Uniform];
        var runs = new ITrainingRunGrain[variants.Length];
        for (int v = 0; v < variants.Length; v++)
        {
            runs[v] = grains.GetGrain<ITrainingRunGrain>($"{prefix}-{variants[v]}");
            await runs[v].CreateAsync(new RunConfig(
                Allocator: variants[v], Budget: 8 * prompts, BatchSize: prompts, Iterations: WarmUp + repeats));
        }

        // Interleaved, after a warm-up of each, so that JIT tiers, GC and the machine's other load
        // fall on both variants alike.
        var times = variants.Select(_ => new double[repeats]).ToArray();
        for (int iteration = 1; iteration <= WarmUp + repeats; iteration++)
        {
            for (int v = 0; v < variants.Length; v++)
            {
                long start = Stopwatch.GetTimestamp();
                await runs[v].AllocateAsync(iteration, ids);
                if (iteration > WarmUp)
                {
                    times[v][iteration - WarmUp - 1] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            }
        }

        var results = variants.Select((v, i) => new Timings($"coordinator, {v}", times[i])).ToList();
        var estimates = await Task.WhenAll(ids.Select(id => grains.GetGrain<IPromptGrain>(id).GetEstimateAsync()));
        double[] p = [.. estimates.Select(e => e!.AcceptRate)];
        double[] g = [.. estimates.Select(e => e!.GradNorm)];
        var solve = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            GvmAllocator.Allocate(p, g, 8 * prompts, GvmAllocationOptions.Default);
            solve[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        results.Add(new Timings("GVM solve alone", solve));
        return results;
    }
}
