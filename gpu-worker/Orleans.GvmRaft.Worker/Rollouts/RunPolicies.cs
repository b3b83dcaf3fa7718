using Microsoft.Extensions.Logging;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Policy.Probe;
using Orleans.GvmRaft.Policy.Rollouts;
using Orleans.GvmRaft.Telemetry;
using Orleans.GvmRaft.Worker.Compute;
using Orleans.GvmRaft.Worker.Policies;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Worker.Rollouts;

/// <summary>
/// The policies one rollout worker holds: per run, the version its current work names, loaded
/// from the checkpoint store (files checked against the hash the run's trainer recorded). A newer
/// version replaces the older one, and a run that ends or pauses gives its model back.
/// Changed by one loop only (<see cref="RolloutWorkerService"/>); a lock lets others read it.
/// </summary>
public sealed class RunPolicies(IGrainFactory grains, ICheckpointStore store, DeviceSchedulers schedulers, int sampleBatch, string? device, ILogger logger) : IDisposable
{
    private readonly Dictionary<string, HeldPolicy> _held = new(StringComparer.Ordinal);

    /// <summary>The runs whose policy is held.</summary>
    public IReadOnlyCollection<string> Runs
    {
        get
        {
            lock (_held)
            {
                return [.. _held.Keys];
            }
        }
    }

    /// <summary>The policy held for <paramref name="runId"/>, if any.</summary>
    public LoadedPolicy? this[string runId]
    {
        get
        {
            lock (_held)
            {
                return _held.TryGetValue(runId, out var held) ? held.Policy : null;
            }
        }
    }

    /// <summary>
    /// The executor of <paramref name="version"/> of <paramref name="runId"/>'s policy, loaded when
    /// another version is held; null when the run's trainer no longer serves that version.
    /// </summary>
    /// <exception cref="CorruptCheckpointException">The stored files do not match the recorded hash.</exception>
    public async Task<(LoadedPolicy Policy, RolloutExecutor Executor)?> GetAsync(string runId, long version)
    {
        if (_held.TryGetValue(runId, out var held) && held.Version == version)
        {
            return (held.Policy, held.Executor);
        }

        var release = await PolicyTrainers.Model(grains, runId).GetPolicyAsync();
        if (release.Version != version || release.Checkpoint is not { } checkpoint)
        {
            return null;
        }

        // A worker bound to a device (Gvm:Worker:Devices) samples there whatever the run names.
        var settings = device is null ? release.Settings : release.Settings with { Device = device };
        string folder = await store.OpenAsync(new StoredCheckpoint(checkpoint.Location, checkpoint.Hash));
        var policy = await schedulers.For(settings.Device).RunAsync(() => GvmMetrics.TimeCompute(runId, "load_sampler", () => LoadedPolicy.Open(folder, settings, training: false)));
        var executor = new RolloutExecutor(policy.Model, policy.Tokenizer, policy.Sampling, ProbeTarget.EmbedTokens, sampleBatch);
        lock (_held)
        {
            _held[runId] = new HeldPolicy(version, policy, executor);
        }

        held?.Policy.Dispose();
        logger.LogInformation("loaded version {Version} of run {RunId} from {Location}", version, runId, checkpoint.Location);
        return (policy, executor);
    }

    /// <summary>Disposes the models of every run not in <paramref name="active"/>; returns how many.</summary>
    public int ReleaseExcept(IReadOnlyCollection<string> active)
    {
        var gone = new List<(string Run, HeldPolicy Held)>();
        lock (_held)
        {
            foreach (string run in _held.Keys.Where(run => !active.Contains(run)).ToList())
            {
                _held.Remove(run, out var held);
                gone.Add((run, held!));
            }
        }

        foreach (var (run, held) in gone)
        {
            held.Policy.Dispose();
            logger.LogInformation("released version {Version} of run {RunId}: the run ended or paused", held.Version, run);
        }

        return gone.Count;
    }

    /// <inheritdoc />
    public void Dispose() => ReleaseExcept([]);

    private sealed record HeldPolicy(long Version, LoadedPolicy Policy, RolloutExecutor Executor);
}
