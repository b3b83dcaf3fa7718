using System.Diagnostics;
using Orleans.GvmRaft.Allocation;
using Orleans.GvmRaft.Client.External;
using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Embedded.Bench;

/// <summary>
/// A pool of many prompts on a silo's storage: the bulk import, the solve over the whole pool,
/// recording reports into prompts (cold: the report activates the prompt; warm: a second report),
/// and iterations of a real driven run over batches drawn from the pool (sample the batch, stage 1,
/// allocate, stage 2, update, index), its rollouts served by a synthetic worker, so every
/// millisecond is the system's own.
/// </summary>
/// <param name="grains">The cluster.</param>
/// <param name="log">Progress lines.</param>
/// <param name="workers">Synthetic workers serving the driven run, each claiming 256 items at a time.</param>
/// <param name="workerPoll">How long an idle synthetic worker waits before it looks for work again.</param>
public sealed class PoolBenchmark(IGrainFactory grains, Action<string> log, int workers = 4, TimeSpan? workerPoll = null)
{
    // Prompts generated and imported per chunk, so the client never holds the whole pool.
    private const int ImportChunk = 100_000;

    // Reports recorded concurrently: a few claims' worth of results.
    private const int RecordConcurrency = 4_096;

    /// <summary>Runs the benchmark; <paramref name="prompts"/> in the pool, <paramref name="batch"/> per iteration.</summary>
    public async Task<PoolResult> RunAsync(int prompts, int batch, int iterations, string storage, CancellationToken cancellationToken)
    {
        string set = $"pool-{Guid.NewGuid():N}"[..13];
        var management = grains.GetGrain<IManagementGrain>(0);
        int activations0 = await management.GetTotalActivationCount();

        var clock = Stopwatch.StartNew();
        var importer = new PromptImporter(grains);
        for (int start = 0; start < prompts; start += ImportChunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(ImportChunk, prompts - start);
            await importer.ImportAsync([.. Enumerable.Range(start, count).Select(i => Prompt(set, i))], cancellationToken: cancellationToken, set: set);
            log($"imported {start + count:N0} of {prompts:N0} ({(start + count) / clock.Elapsed.TotalSeconds:N0} prompts/s)");
        }

        double importSeconds = clock.Elapsed.TotalSeconds;
        int activationsAfterImport = await management.GetTotalActivationCount() - activations0;
        long workingSetAfterImport = Environment.WorkingSet;
        double solveMs = SolveMilliseconds(prompts);

        int recorded = Math.Min(prompts, 100_000);
        double cold = await RecordAsync(set, recorded, "cold", cancellationToken);
        double warm = await RecordAsync(set, recorded, "warm", cancellationToken);
        log($"recorded {recorded:N0} reports: {cold:N0}/s activating the prompts, {warm:N0}/s into active prompts");

        var iterationMs = await DriveAsync(set, batch, iterations, cancellationToken);
        return new PoolResult(
            prompts,
            batch,
            storage,
            Environment.ProcessorCount,
            prompts / importSeconds,
            importSeconds,
            activationsAfterImport,
            workingSetAfterImport,
            solveMs,
            recorded,
            cold,
            warm,
            Median(iterationMs),
            iterationMs,
            Process.GetCurrentProcess().PeakWorkingSet64,
            await management.GetTotalActivationCount());
    }

    private static PromptDefinition Prompt(string set, int i) =>
        new($"{set}-{i:D7}", $"{i % 97}+{i % 89}=", $"{(i % 97) + (i % 89)}", VerifierKinds.Exact);

    // One stage-1 report to each of the first `count` prompts, RecordConcurrency at a time, as the
    // queue's shards send them; returns reports per second.
    private async Task<double> RecordAsync(string set, int count, string pass, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task<PromptRecord>>(RecordConcurrency);
        for (int i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var report = new RolloutReport($"bench-{pass}-{i}", $"{set}-record", 1, 0, RolloutStage.Estimate, 8, i % 9, [.. Enumerable.Repeat(1.5, i % 9)]);
            inFlight.Add(grains.GetGrain<IPromptGrain>(Prompt(set, i).Id).RecordAsync(report));
            if (inFlight.Count == RecordConcurrency)
            {
                await Task.WhenAll(inFlight);
                inFlight.Clear();
            }
        }

        await Task.WhenAll(inFlight);
        return count / clock.Elapsed.TotalSeconds;
    }

    // A real run driven by its grain over the pool, its rollouts served by a synthetic worker
    // outside the cluster. The first iteration also prepares the run, so it is not timed.
    private async Task<List<double>> DriveAsync(string set, int batch, int iterations, CancellationToken cancellationToken)
    {
        string runId = $"{set}-run";
        var run = grains.GetGrain<ITrainingRunGrain>(runId);
        await run.CreateAsync(new RunConfig(
            Budget: 8 * batch, BatchSize: batch, Stage1Samples: 8, Iterations: iterations + 1, EvalEvery: iterations + 1,
            PromptSet: set, Policy: new PolicySettings(Preset: PolicySettings.External)));
        await run.StartAsync();
        int logged = 0;

        // Synthetic workers claiming 256 items at a time, looking for work every few milliseconds
        // (the run every TickPeriod), so the time between a stage's work appearing and being done
        // is the system's, not the harness's.
        var served = Enumerable.Range(0, workers).Select(w => new ExternalWorker(
            grains, runId, SyntheticResults, workerId: $"synthetic-{w}", claimSize: 256, poll: workerPoll ?? TimeSpan.FromMilliseconds(2)).RunAsync(
            w > 0 ? null : snapshot =>
            {
                // The snapshot carries the recent iterations: log those not logged yet.
                foreach (var h in snapshot.History.Where(h => h.Iteration > logged))
                {
                    log($"iteration {h.Iteration} finished");
                    logged = h.Iteration;
                }
            },
            cancellationToken)).ToList();
        var final = (await Task.WhenAll(served))[0];
        if (final.Phase != RunPhase.Completed)
        {
            throw new InvalidOperationException($"the benchmark run {final.Phase}: {final.LastError}");
        }

        var finished = (await run.GetIterationsAsync(0, int.MaxValue)).Select(h => h.FinishedAt).ToList();
        return [.. finished.Zip(finished.Skip(1), (a, b) => (b - a).TotalMilliseconds)];
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
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
