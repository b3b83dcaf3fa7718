using Microsoft.Extensions.DependencyInjection;
using Orleans.GvmRaft.Embedded.Hosting;
using Orleans.GvmRaft.Embedded.Train;
using Orleans.GvmRaft.Silo.Backends;
using Orleans.GvmRaft.Worker.Compute;
using Orleans.GvmRaft.Worker.Training;

namespace Orleans.GvmRaft.Embedded.Bench;

/// <summary>
/// The system's cost over its compute: the same iterations of the main job run twice in one
/// process, first as the <see cref="BareLoop"/>, then through the system (embedded silo, queue,
/// prompt grains, rollout worker, trainer job), both from the same warm-up, and each one's wall
/// time per iteration is compared.
/// </summary>
public sealed class OverheadBenchmark(StorageKind storage, TrainSettings settings, Action<string> log)
{
    /// <summary>Runs both and returns what they measured.</summary>
    public async Task<OverheadResult> RunAsync(CancellationToken cancellationToken)
    {
        string scratch = Path.Combine(Path.GetTempPath(), $"gvm-bench-overhead-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            // A state file of its own: the user's runs/gvm-state.db is neither read nor grown.
            var state = new EmbeddedState(storage, Path.Combine(scratch, "state.db"));
            await using var cluster = await EmbeddedSilo.StartAsync(cancellationToken, worker: true, state);

            // The bare loop first: it warms the policy up into the silo's warm-up cache, and the
            // system's trainer starts from the same weights without training them again.
            var warmups = cluster.Services.GetRequiredService<WarmupCache>();
            log($"bare loop: warm-up ({settings.WarmupSteps} steps, untimed), then {settings.Iterations} iterations");
            // On the silo's compute thread for the CPU, where the system's model work runs too.
            var loop = new BareLoop(settings, warmups, log);
            var compute = cluster.Services.GetRequiredService<DeviceSchedulers>().For(settings.ToRunConfig().PolicyOrDefault.Device);
            var bare = await compute.RunAsync(() => loop.Run(cancellationToken));

            var run = settings.WithOutput(Path.Combine(scratch, "run")) with { RunName = $"bench-overhead-{Guid.NewGuid():N}" };
            log($"system: {storage} storage, {settings.Iterations} iterations");
            using var listener = new SystemPhaseListener(run.RunId);
            var metrics = await new ArithmeticRun(cluster.Client, run, log).RunAsync(null, cancellationToken);
            // Iteration 0 is the warm-up's evaluation; each later row carries the cumulative rollouts.
            long[] rollouts = [.. metrics.Skip(1).Select((m, i) => m.Samples - metrics[i].Samples)];
            // The last iteration's durations are published in the turn that finished it, which a
            // watcher may see end a moment before.
            var system = listener.Iterations(rollouts);
            for (int wait = 0; wait < 100 && system.Count < rollouts.Length; wait++)
            {
                await Task.Delay(50, cancellationToken);
                system = listener.Iterations(rollouts);
            }

            if (system.Count != bare.Count)
            {
                throw new InvalidOperationException($"the system timed {system.Count} iterations and the bare loop {bare.Count}; both should run {settings.Iterations}.");
            }

            double systemMean = system.Average(i => i.Total), bareMean = bare.Average(i => i.Total);
            return new OverheadResult(
                storage.ToString(),
                system.Count,
                Environment.ProcessorCount,
                settings.ArmName,
                settings.BatchSize,
                settings.Budget,
                systemMean,
                bareMean,
                systemMean / bareMean,
                PhaseSplit.Of(system),
                PhaseSplit.Of(bare),
                system.Sum(i => i.Rollouts),
                bare.Sum(i => i.Rollouts),
                PerIteration(listener.Compute(), system.Count),
                PerIteration(loop.Compute, bare.Count),
                [.. system.Select(i => i.Total)],
                [.. bare.Select(i => i.Total)]);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static Dictionary<string, double> PerIteration(IReadOnlyDictionary<string, double> totals, int iterations) =>
        totals.ToDictionary(p => p.Key, p => p.Value / iterations, StringComparer.Ordinal);
}
