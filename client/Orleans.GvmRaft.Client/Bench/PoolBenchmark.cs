using System.Diagnostics;
using Orleans.GvmRaft.Allocation;
using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Index;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.PromptSets;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Client.Bench;

/// <summary>
/// A pool of many prompts on a silo's storage: the import rate, the memory of the prompt grains
/// it activates, the allocation solve over the whole pool, and the control plane of iterations
/// over batches drawn from it — the run grain's grain calls in its order (sample the batch, queue
/// and complete stage 1, allocate, queue and complete stage 2, index), with synthetic rollouts in
/// place of the model, so every millisecond is the system's own.
/// </summary>
public sealed class PoolBenchmark(IGrainFactory grains, Action<string> log)
{
    private const int ImportChunk = 50_000;
    private const int WorkerClaim = 32;

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

        var run = grains.GetGrain<ITrainingRunGrain>($"{set}-run");
        await run.CreateAsync(new RunConfig(Budget: 8 * batch, BatchSize: batch, Stage1Samples: 8, Iterations: iterations, PromptSet: set));
        var phases = new Dictionary<string, List<double>>();
        for (int iteration = 1; iteration <= iterations; iteration++)
        {
            var timings = await IterationAsync(set, run, iteration, batch);
            foreach (var (phase, ms) in timings)
            {
                (phases.TryGetValue(phase, out var list) ? list : phases[phase] = []).Add(ms);
            }

            log($"iteration {iteration}: {timings.Sum(t => t.Milliseconds):F0} ms of control plane");
        }

        foreach (var (phase, values) in phases)
        {
            figures.Add(new($"iteration, {phase} (median of {values.Count})", Median(values), "ms"));
        }

        figures.Add(new("working set at the end", Environment.WorkingSet / 1048576.0, "MiB"));
        figures.Add(new("activations at the end", await management.GetTotalActivationCount(), "activations"));
        return figures;
    }

    private async Task<List<(string Phase, double Milliseconds)>> IterationAsync(string set, ITrainingRunGrain run, int iteration, int batch)
    {
        string runId = run.GetPrimaryKeyString();
        var queue = grains.GetGrain<IRolloutQueueGrain>(runId);
        var timings = new List<(string, double)>();
        var clock = Stopwatch.StartNew();
        void Mark(string phase)
        {
            timings.Add((phase, clock.Elapsed.TotalMilliseconds));
            clock.Restart();
        }

        string[] ids = await grains.GetGrain<IPromptSetGrain>(set).SampleAsync(batch, iteration);
        Mark("sample the batch");
        await queue.EnqueueAsync([.. ids.Select(id => Item(runId, id, iteration, RolloutStage.Estimate, 8))]);
        await DrainAsync(queue, iteration);
        Mark("stage 1 queue, claims and results");
        var plan = await run.AllocateAsync(iteration, ids);
        Mark("allocate (gather, solve, assign)");
        await queue.EnqueueAsync([.. ids.Select((id, i) => (id, n: plan.Samples[i])).Where(x => x.n > 0)
            .Select(x => Item(runId, x.id, iteration, RolloutStage.Sample, x.n))]);
        await DrainAsync(queue, iteration);
        Mark("stage 2 queue, claims and results");
        var snapshots = await Task.WhenAll(ids.Select(id => grains.GetGrain<IPromptGrain>(id).GetSnapshotAsync()));
        await Task.WhenAll(ids.Select((id, i) => new PromptIndexEntry(id, iteration, plan.Samples[i], snapshots[i]?.LatestEstimate?.AcceptRate ?? 0, snapshots[i]?.LatestEstimate?.GradNorm ?? 0, snapshots[i]?.Statistics.SamplesSpent ?? 0))
            .GroupBy(e => PromptIndex.ShardOf(e.PromptId))
            .Select(g => grains.GetGrain<IPromptIndexGrain>(PromptIndex.ShardKey(runId, g.Key)).UpsertAsync([.. g])));
        Mark("index the batch");
        return timings;
    }

    // Synthetic workers: claim as a worker does, and complete with results drawn from a fixed
    // per-prompt acceptance rate, many completions in flight as from several workers.
    private static async Task DrainAsync(IRolloutQueueGrain queue, int iteration)
    {
        while (true)
        {
            var leases = await queue.ClaimAsync("synthetic", 256);
            if (leases.Length == 0)
            {
                return;
            }

            // Completed a worker's claim at a time, in groups as workers of this claim size would.
            var results = leases.Select(lease =>
            {
                var item = lease.Item;
                var random = new Random(item.ItemId.GetHashCode(StringComparison.Ordinal) ^ iteration);
                double p = (Math.Abs(item.PromptId.GetHashCode(StringComparison.Ordinal)) % 100) / 100.0;
                int accepted = Enumerable.Range(0, item.Count).Count(_ => random.NextDouble() < p);
                double[] norms = item.Stage == RolloutStage.Estimate ? [.. Enumerable.Range(0, accepted).Select(_ => 1 + random.NextDouble())] : [];
                return new ItemResults(item.ItemId, new RolloutReport(item.ItemId, item.RunId, item.Iteration, item.PolicyVersion, item.Stage, item.Count, accepted, norms), null);
            }).ToArray();
            await Task.WhenAll(results.Chunk(WorkerClaim).Select(chunk => queue.CompleteManyAsync("synthetic", chunk)));
        }
    }

    private static RolloutWorkItem Item(string runId, string promptId, int iteration, RolloutStage stage, int count) =>
        new($"{runId}/{iteration}/{stage}/{promptId}", runId, promptId, iteration, stage, count, iteration - 1);

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
