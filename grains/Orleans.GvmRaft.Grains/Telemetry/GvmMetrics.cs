using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Orleans.GvmRaft.Telemetry;

/// <summary>
/// The metrics of the grains (meter <see cref="MeterName"/>), published by a silo's OpenTelemetry
/// exporter when <c>Gvm:Metrics:Enabled</c>. The meter is static, as Orleans' own is: an
/// instrument measures the process, and a silo is one process. Per-run gauges come from the
/// silo that holds the run's grain while it drives, labelled <c>run</c> and <c>served_by</c>
/// (<see cref="RunGauges.ServedBy"/>), so a cluster-wide value is the sum over silos
/// (<c>sum(gvm_rollout_queue_depth{served_by="worker_silos"})</c>).
/// </summary>
public static class GvmMetrics
{
    /// <summary>The meter's name, for exporters to subscribe to.</summary>
    public const string MeterName = "Orleans.GvmRaft";

    private static readonly Meter Meter = new(MeterName);

    // Bucket bounds in seconds (exporters' defaults are meant for milliseconds): a state write takes
    // from under a millisecond (memory) to a second (a busy database); a step or an iteration from
    // a tenth of a second (a toy model on the CPU) to an hour (a large model's update).
    private static readonly InstrumentAdvice<double> WriteBuckets = new() { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] };
    private static readonly InstrumentAdvice<double> StepBuckets = new() { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600] };
    private static readonly ConcurrentDictionary<string, RunGauges> Runs = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Func<int>> LiveWorkers = new(StringComparer.Ordinal);

    /// <summary>Rollout work items leased to workers (claims and re-claims), per run.</summary>
    public static readonly Counter<long> ItemsClaimed = Meter.CreateCounter<long>(
        "gvm.rollout.items.claimed", "{item}", "Rollout work items leased to workers.");

    /// <summary>Rollout work items whose results were accepted, per run.</summary>
    public static readonly Counter<long> ItemsCompleted = Meter.CreateCounter<long>(
        "gvm.rollout.items.completed", "{item}", "Rollout work items whose results were accepted.");

    /// <summary>Wall time of an iteration, from drawing its batch to its update, per run.</summary>
    public static readonly Histogram<double> IterationDuration = Meter.CreateHistogram<double>(
        "gvm.run.iteration.duration", "s", "Wall time of one iteration, from drawing the batch to the policy update.", tags: null, advice: StepBuckets);

    /// <summary>Wall time of each step of an iteration (tag <c>phase</c>), per run.</summary>
    public static readonly Histogram<double> PhaseDuration = Meter.CreateHistogram<double>(
        "gvm.run.phase.duration", "s", "Wall time of one step of an iteration: pick_batch, estimate, allocate, sample or update.", tags: null, advice: StepBuckets);

    /// <summary>
    /// Wall time of the model work of workers and trainers (tags <c>run</c> and <c>part</c>: generate,
    /// load_sampler, train, evaluate, publish, load_trainer), per run: set beside the phase
    /// durations, what an iteration spent beyond its compute.
    /// </summary>
    public static readonly Histogram<double> ComputeDuration = Meter.CreateHistogram<double>(
        "gvm.compute.duration", "s", "Wall time of model work: generate (sampling, verifying and probing a claim), load_sampler, train, evaluate, publish (storing a version), load_trainer.", tags: null, advice: StepBuckets);

    /// <summary>Prompt grains active on a silo (tag <c>silo</c>, see <see cref="SiloTag"/>).</summary>
    public static readonly UpDownCounter<long> PromptActivations = Meter.CreateUpDownCounter<long>(
        "gvm.prompt.activations", "{activation}", "Prompt grains active on the silo.");

    /// <summary>How long a grain's state write took, as the grain saw it (tags <c>silo</c>, <c>grain</c>: its class, <c>outcome</c>).</summary>
    public static readonly Histogram<double> StorageWriteDuration = Meter.CreateHistogram<double>(
        "gvm.storage.write.duration", "s", "How long a grain state write took, group commits included.", tags: null, advice: WriteBuckets);

    /// <summary>Records <paramref name="seconds"/> of model work <paramref name="part"/> for <paramref name="runId"/>.</summary>
    public static void RecordCompute(string runId, string part, double seconds) =>
        ComputeDuration.Record(seconds, new KeyValuePair<string, object?>("run", runId), new KeyValuePair<string, object?>("part", part));

    /// <summary>Runs <paramref name="work"/> and records its wall time as model work <paramref name="part"/> for <paramref name="runId"/>.</summary>
    public static T TimeCompute<T>(string runId, string part, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        long started = Stopwatch.GetTimestamp();
        var result = work();
        RecordCompute(runId, part, Stopwatch.GetElapsedTime(started).TotalSeconds);
        return result;
    }

    static GvmMetrics()
    {
        Meter.CreateObservableGauge("gvm.rollout.queue.depth", () => ObserveRuns(r => r.Depth), "{item}",
            "Rollout work items of the stage a run waits on that are not done: pending or leased.");
        Meter.CreateObservableGauge("gvm.rollout.queue.pending", () => ObserveRuns(r => r.Pending), "{item}",
            "Rollout work items of the stage a run waits on that no worker holds.");
        Meter.CreateObservableGauge("gvm.rollout.lease.oldest_age", () => ObserveRuns(r => r.OldestLeaseAge(DateTimeOffset.UtcNow)), "s",
            "Age of the oldest live lease of the stage a run waits on (0 when none).");
        Meter.CreateObservableGauge("gvm.rollout.workers", () => ObserveRuns(r => r.LeasingWorkers), "{worker}",
            "Workers holding leases of the stage a run waits on.");
        Meter.CreateObservableGauge("gvm.run.accept_rate", () => ObserveRuns(r => r.AcceptRate), unit: null,
            "Accepted over drawn rollouts in the run's last finished iteration.");
        Meter.CreateObservableGauge("gvm.run.iteration", () => ObserveRuns(r => r.FinishedIterations), "{iteration}",
            "Iterations the run has finished.");
        Meter.CreateObservableGauge("gvm.workers.live", ObserveLiveWorkers, "{worker}",
            "Rollout workers that sent a heartbeat in the last 10 s (reported by the silo holding the cluster's worker directory).");
    }

    /// <summary>
    /// The <c>silo</c> tag of a per-silo measurement by <paramref name="grain"/>: its silo's name (in a
    /// pod, the pod's). A process usually holds one silo, but an embedded or test process may hold
    /// several, which the tag keeps apart.
    /// </summary>
    public static KeyValuePair<string, object?> SiloTag(IGrainBase grain)
    {
        ArgumentNullException.ThrowIfNull(grain);
        var context = grain.GrainContext;
        return new("silo", context.ActivationServices.GetService<Runtime.ILocalSiloDetails>()?.Name ?? context.Address.SiloAddress?.ToString());
    }

    /// <summary>The gauges of a run, registered on this silo until <see cref="ForgetRun"/>.</summary>
    public static RunGauges Run(string runId) => Runs.GetOrAdd(runId, id => new RunGauges());

    /// <summary>Stops reporting a run from this silo (its grain deactivated, or the run paused or finished).</summary>
    public static void ForgetRun(string runId) => Runs.TryRemove(runId, out _);

    /// <summary>Reports the live workers of the worker directory on <paramref name="silo"/> through <paramref name="count"/> (null: no longer).</summary>
    public static void ReportLiveWorkers(KeyValuePair<string, object?> silo, Func<int>? count)
    {
        string key = silo.Value?.ToString() ?? "";
        if (count is null)
        {
            LiveWorkers.TryRemove(key, out _);
        }
        else
        {
            LiveWorkers[key] = count;
        }
    }

    private static IEnumerable<Measurement<T>> ObserveRuns<T>(Func<RunGauges, T> value)
        where T : struct =>
        Runs.Select(r => new Measurement<T>(value(r.Value), new KeyValuePair<string, object?>("run", r.Key), new KeyValuePair<string, object?>("served_by", r.Value.ServedBy)));

    private static IEnumerable<Measurement<int>> ObserveLiveWorkers() =>
        LiveWorkers.Select(w => new Measurement<int>(w.Value(), new KeyValuePair<string, object?>("silo", w.Key)));
}
