using System.CommandLine;
using Orleans.GvmRaft.Client.Cluster;

namespace Orleans.GvmRaft.Client.Bench;

/// <summary><c>gvm bench coordinator</c>: the allocation step of one iteration on an embedded silo.</summary>
public static class BenchCommand
{
    /// <summary>Builds <c>bench</c> with its subcommands.</summary>
    public static Command Create()
    {
        var prompts = new Option<int>("--prompts") { Description = "Batch size B.", DefaultValueFactory = _ => 4096 };
        var repeats = new Option<int>("--repeats") { Description = "Timed allocations per variant.", DefaultValueFactory = _ => 30 };
        var coordinator = new Command("coordinator", "Time the coordinator's allocation of one batch (gather estimates, solve, assign) on an embedded silo.")
        {
            prompts, repeats,
        };
        coordinator.SetAction(async (result, cancellationToken) =>
        {
            int b = result.GetValue(prompts);
            int r = result.GetValue(repeats);
            if (b is < 1 or > 1_000_000 || r is < 1 or > 10_000)
            {
                result.InvocationConfiguration.Error.WriteLine("gvm bench coordinator: --prompts must be in [1, 1000000] and --repeats in [1, 10000].");
                return 2;
            }

            var output = result.InvocationConfiguration.Output;
            await using var cluster = await EmbeddedSilo.StartAsync(cancellationToken);
            var timings = await new CoordinatorBenchmark(cluster.Client).RunAsync(b, r, line => result.InvocationConfiguration.Error.WriteLine(line));
            double baseline = timings[0].Median;
            output.WriteLine($"B = {b}, N = {8 * b}, {r} timed allocations each, after 5 warm-up allocations each, interleaved");
            output.WriteLine("| variant | median ms | p90 ms | ratio to GVM coordinator |");
            output.WriteLine("| --- | ---: | ---: | ---: |");
            foreach (var t in timings)
            {
                output.WriteLine(FormattableString.Invariant($"| {t.Variant} | {t.Median:F2} | {t.P90:F2} | {t.Median / baseline:F2} |"));
            }

            return 0;
        });
        var poolPrompts = new Option<int>("--prompts") { Description = "Prompts in the pool.", DefaultValueFactory = _ => 1_000_000 };
        var batch = new Option<int>("--batch") { Description = "B, prompts per iteration.", DefaultValueFactory = _ => 1024 };
        var iterations = new Option<int>("--iterations") { Description = "Iterations timed.", DefaultValueFactory = _ => 5 };
        var pool = new Command("pool", "Import a pool of prompts into the chosen storage and time the import, the grains' memory, the solve over the pool and the control plane of iterations over it, on an embedded silo.")
        {
            poolPrompts, batch, iterations,
        };
        var state = new EmbeddedStateOptions();
        state.AddTo(pool);
        pool.SetAction(async (result, cancellationToken) =>
        {
            var error = result.InvocationConfiguration.Error;
            int n = result.GetValue(poolPrompts), b = result.GetValue(batch), k = result.GetValue(iterations);
            if (n < 1 || b < 1 || b > n || k < 1)
            {
                error.WriteLine("gvm bench pool: need --prompts >= --batch >= 1 and --iterations >= 1.");
                return 2;
            }

            try
            {
                var storage = state.Read(result);
                await using var cluster = await EmbeddedSilo.StartAsync(cancellationToken, worker: false, storage);
                var figures = await new PoolBenchmark(cluster.Client, line => error.WriteLine(line)).RunAsync(n, b, k, cancellationToken);
                var output = result.InvocationConfiguration.Output;
                output.WriteLine($"pool of {n:N0} prompts, B = {b}, storage {storage.Storage}, {Environment.ProcessorCount} cores");
                output.WriteLine("| figure | value | unit |");
                output.WriteLine("| --- | ---: | --- |");
                foreach (var f in figures)
                {
                    output.WriteLine(FormattableString.Invariant($"| {f.Name} | {f.Value:N1} | {f.Unit} |"));
                }

                return 0;
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"gvm bench pool: {e.Message}");
                return 2;
            }
        });
        return new Command("bench", "Benchmarks that need a cluster (the allocation core has BenchmarkDotNet benchmarks).") { coordinator, pool };
    }
}
