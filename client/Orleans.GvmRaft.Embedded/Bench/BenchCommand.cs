using System.CommandLine;
using Orleans.GvmRaft.Embedded.Hosting;

namespace Orleans.GvmRaft.Embedded.Bench;

/// <summary><c>gvm-embedded bench pool</c>: a prompt pool and a driven run over it on an embedded silo.</summary>
public static class BenchCommand
{
    /// <summary>Builds <c>bench</c> with its subcommands.</summary>
    public static Command Create()
    {
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
                error.WriteLine("gvm-embedded bench pool: need --prompts >= --batch >= 1 and --iterations >= 1.");
                return 2;
            }

            try
            {
                var storage = state.Read(result);
                // The run looks at its queue every 10 ms, so an iteration's time is the system's work, not the wait for a tick.
                await using var cluster = await EmbeddedSilo.StartAsync(cancellationToken, worker: false, storage, new Dictionary<string, string?> { ["Gvm:Coordinator:TickPeriod"] = "00:00:00.010" });
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
                error.WriteLine($"gvm-embedded bench pool: {e.Message}");
                return 2;
            }
        });
        return new Command("bench", "Benchmarks that need a cluster (the allocation core has BenchmarkDotNet benchmarks).") { pool };
    }
}
