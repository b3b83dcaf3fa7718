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
        return new Command("bench", "Benchmarks that need a cluster (the allocation core has BenchmarkDotNet benchmarks).") { coordinator };
    }
}
