using System.Diagnostics;
using Orleans.GvmRaft.Allocation;
using Orleans.GvmRaft.Client.External;
using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Embedded.Bench;

/// <summary>
/// A pool of many prompts on a silo's storage: the import rate, the memory of the prompt grains
/// it activates, the allocation solve over the whole pool, and iterations over batches drawn from
/// it by a driven run (sample the batch, stage 1, allocate, stage 2, update, index), with a
/// synthetic worker in place of the model, so every millisecond is the system's own.
/// </summary>
public sealed class PoolBenchmark(IGrainFactory grains, Action<string> log)
{
    private const int ImportChunk = 50_000;

    /// <summary>One measured figure.</summary>
    public sealed record Figure(string Name, double Value, string Unit);

    /// <summary>Runs the benchmark; <paramref name="prompts"/> in the pool, <paramref name="batch"/> per iteration.</summary>
    public async Task<List<Figure>> RunAsync(int prompts, int batch, int iterations, CancellationToken cancellationToken)
    {
        var figures = new List<Figure>();
        string set = $"pool-{Guid.NewGuid():N}"[..13];
        var management = grains.GetGrain<IManagementGrain>(0);
        var (heap0, activations0) = (Heap(), await management.GetTotalActivationCount());

        // Import in chunks, so the client never holds more than a chunk of definitions.
        var clock = Stopwatch.StartNew();
        var importer = new PromptImporter(grains);
        for (int start = 0; start < prompts; start += ImportChunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(ImportChunk, prompts - start);
            var chunk = Enumerable.Range(start, count)
                .Select(i => new PromptDefinition($"{set}-{i:D7}", $"{i % 97}+{i % 89}=", $"{(i % 97) + (i % 89)}", VerifierKinds.Exact))
                .ToList();
            await importer.ImportAsync(chunk, cancellationToken: cancellationToken, set: set);
            log($"imported {start + count:N0} of {prompts:N0} ({(start + count) / clock.Elapsed.TotalSeconds:N0} prompts/s)");
        }

        double importSeconds = clock.Elapsed.TotalSeconds;
        figures.Add(new("import rate", prompts / importSeconds, "prompts/s"));
        figures.Add(new("import time", importSeconds, "s"));
        int activations = await management.GetTotalActivationCount() - activations0;
        long heap = Heap() - heap0;
        figures.Add(new("prompt grains active after the import", activations, "activations"));
        figures.Add(new("managed heap per active grain", activations == 0 ? 0 : (double)heap / activations, "bytes"));
        figures.Add(new("working set after the import", Environment.WorkingSet / 1048576.0, "MiB"));

        figures.Add(new("GVM solve over the whole pool (median of 5)", SolveMilliseconds(prompts), "ms"));

        // A real run driven by its grain over the pool, its rollouts served by a synthetic worker
        // outside the cluster: every millisecond of an iteration is the system's own. The first
        // iteration also prepares the run, so it is not timed.
        string runId = $"{set}-run";
        var run = grains.GetGrain<ITrainingRunGrain>(runId);
        await run.CreateAsync(new RunConfig(
            Budget: 8 * batch, BatchSize: batch, Stage1Samples: 8, Iterations: iterations + 1, EvalEvery: iterations + 1,
            PromptSet: set, Policy: new PolicySettings(Preset: PolicySettings.External)));
        await run.StartAsync();
        int logged = 0;
        var final = await new ExternalWorker(grains, runId, SyntheticResults, claimSize: 256).RunAsync(
            snapshot =>
            {
                for (; logged < snapshot.History.Count; logged++)
                {
                    log($"iteration {snapshot.History[logged].Iteration} finished");
                }
            },
            cancellationToken);
        if (final.Phase != RunPhase.Completed)
        {
            throw new InvalidOperationException($"the benchmark run {final.Phase}: {final.LastError}");
        }

        var finished = final.History.Select(h => h.FinishedAt).ToList();
        var iterationMs = finished.Zip(finished.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToList();
        figures.Add(new($"iteration of the driven run, wall time (median of {iterationMs.Count})", Median(iterationMs), "ms"));
        figures.Add(new("working set at the end", Environment.WorkingSet / 1048576.0, "MiB"));
        figures.Add(new("activations at the end", await management.GetTotalActivationCount(), "activations"));
        return figures;
    }

    // Results drawn from a fixed per-prompt acceptance rate, as a policy that does not learn.
    private static ItemResults SyntheticResults(RolloutWorkItem item, PromptDefinition prompt)
    {
        var random = new Random(item.ItemId.GetHashCode(StringComparison.Ordinal));
        double p = (Math.Abs(item.PromptId.GetHashCode(StringComparison.Ordinal)) % 100) / 100.0;
        int[] rewards = [.. Enumerable.Range(0, item.Count).Select(_ => random.NextDouble() < p ? 1 : 0)];
        double[] norms = item.Stage == RolloutStage.Estimate ? [.. rewards.Where(r => r == 1).Select(_ => 1 + random.NextDouble())] : [];
        return ExternalWorker.Results(item, rewards, norms);
    }

    private static double SolveMilliseconds(int prompts)
    {
        var random = new Random(3);
        double[] p = [.. Enumerable.Range(0, prompts).Select(_ => random.Next(0, 9) / 8.0)];
        double[] g = [.. Enumerable.Range(0, prompts).Select(_ => Math.Exp(random.NextDouble()))];
        var times = new List<double>();
        for (int i = 0; i < 6; i++)
        {
            var clock = Stopwatch.StartNew();
            GvmAllocator.Allocate(p, g, 8 * prompts, new GvmAllocationOptions(1e-3, 2.0, 0, 0));
            if (i > 0)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        return Median(times);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
