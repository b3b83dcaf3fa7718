using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Telemetry;

namespace Orleans.GvmRaft.Runs;

/// <summary>The run's metrics (<see cref="GvmMetrics"/>): its queue, its steps and iterations, and its accept rate.</summary>
public sealed partial class TrainingRunGrain
{
    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        GvmMetrics.ForgetRun(RunId);
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    private void ReportQueue(QueueProgress progress) =>
        Gauges().SetQueue(progress.Pending, progress.Leased, progress.LeasedBy?.Length ?? 0, progress.OldestLeaseSince);

    private void ReportIterationFinished() => Gauges().SetQueue(0, 0, 0, null);

    // The run's gauges, registered on this silo while it drives, with what its state says: a run
    // that moved to this silo shows its iterations and accept rate at once, not after the next one.
    private RunGauges Gauges()
    {
        var s = state.State;
        var gauges = GvmMetrics.Run(RunId);
        gauges.SetRun(ServedByWorkerSilos ? RunGauges.WorkerSilos : RunGauges.External, s.FinishedIterations, s.History.Count == 0 ? 0 : s.History[^1].TrainAcceptRate);
        return gauges;
    }

    // Called after every step; beginsIteration when the caller knows the step it arrived at
    // begins (the first iteration, after the trainer is prepared).
    private void ObservePhase(bool beginsIteration = false)
    {
        var now = clock.GetUtcNow();
        var s = state.State;

        // The warm-up is no iteration phase: the first one begins when the warm-up's result is in.
        if (!s.Prepared || (_phase is { } seen && seen.Finished == s.FinishedIterations && seen.Step == s.Step))
        {
            return;
        }

        var run = new KeyValuePair<string, object?>("run", RunId);
        if (_phase is { } previous)
        {
            if (previous.Timed)
            {
                GvmMetrics.PhaseDuration.Record((now - previous.Since).TotalSeconds, run, new("phase", PhaseName(previous.Step)));
            }

            if (s.FinishedIterations > previous.Finished)
            {
                if (_iterationSince is { } began)
                {
                    GvmMetrics.IterationDuration.Record((now - began).TotalSeconds, run);
                }

                _iterationSince = now;
            }
        }
        else if (beginsIteration)
        {
            _iterationSince = now;
        }

        _phase = (s.FinishedIterations, s.Step, now, _phase is not null || beginsIteration);
    }

    private static string PhaseName(IterationStep step) => step switch
    {
        IterationStep.PickBatch => "pick_batch",
        IterationStep.Estimate => "estimate",
        IterationStep.Allocate => "allocate",
        IterationStep.Sample => "sample",
        IterationStep.Update => "update",
        _ => step.ToString().ToLowerInvariant(),
    };
}
