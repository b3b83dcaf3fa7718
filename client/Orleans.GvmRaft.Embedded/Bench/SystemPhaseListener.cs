using System.Diagnostics.Metrics;

namespace Orleans.GvmRaft.Embedded.Bench;

/// <summary>
/// Hears one run's iteration and phase durations as the run grain publishes them (meter
/// <c>Orleans.GvmRaft</c>), in this process: the system's own account of where an iteration went,
/// the same figures a silo exports to Prometheus.
/// </summary>
public sealed class SystemPhaseListener : IDisposable
{
    private const string MeterName = "Orleans.GvmRaft";
    private const string IterationInstrument = "gvm.run.iteration.duration";
    private const string PhaseInstrument = "gvm.run.phase.duration";
    private const string ComputeInstrument = "gvm.compute.duration";

    private readonly string _runId;
    private readonly MeterListener _listener = new();
    private readonly List<double> _iterations = [];
    private readonly List<(string Phase, double Seconds)> _phases = [];
    private readonly SortedDictionary<string, double> _compute = new(StringComparer.Ordinal);

    /// <summary>Starts listening for <paramref name="runId"/>'s durations.</summary>
    public SystemPhaseListener(string runId)
    {
        _runId = runId;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName && instrument.Name is IterationInstrument or PhaseInstrument or ComputeInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>
    /// Each finished iteration's times: sampling is the estimate and sample phases (from queueing the
    /// work to its last result), training the update phase (the trainer's job, evaluation and the
    /// stored version included), the rest picking the batch and allocating.
    /// </summary>
    public IReadOnlyList<IterationTimes> Iterations(IReadOnlyList<long> rollouts)
    {
        ArgumentNullException.ThrowIfNull(rollouts);
        lock (_iterations)
        {
            var result = new List<IterationTimes>();
            double sampling = 0, training = 0;
            foreach (var (phase, seconds) in _phases)
            {
                if (phase is "estimate" or "sample")
                {
                    sampling += seconds;
                }
                else if (phase == "update")
                {
                    training += seconds;
                    int k = result.Count;
                    if (k >= _iterations.Count || k >= rollouts.Count)
                    {
                        break;
                    }

                    result.Add(new IterationTimes(sampling, training, _iterations[k], rollouts[k]));
                    sampling = training = 0;
                }
            }

            return result;
        }
    }

    /// <summary>
    /// The run's model work so far, seconds per part (generate, load_sampler, train, evaluate,
    /// publish, load_trainer), the warm-up's excepted: what the workers and the trainer computed,
    /// inside the phases' wall time.
    /// </summary>
    public IReadOnlyDictionary<string, double> Compute()
    {
        lock (_iterations)
        {
            return new SortedDictionary<string, double>(_compute, StringComparer.Ordinal);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? run = null, phase = null, part = null;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "run":
                    run = tag.Value as string;
                    break;
                case "phase":
                    phase = tag.Value as string;
                    break;
                case "part":
                    part = tag.Value as string;
                    break;
            }
        }

        if (run != _runId)
        {
            return;
        }

        lock (_iterations)
        {
            if (instrument.Name == IterationInstrument)
            {
                _iterations.Add(value);
            }
            else if (instrument.Name == ComputeInstrument && part is not null)
            {
                _compute[part] = _compute.GetValueOrDefault(part) + value;
            }
            else if (phase is not null)
            {
                _phases.Add((phase, value));
            }
        }
    }
}
