using Orleans.GvmRaft.Telemetry;

namespace Orleans.GvmRaft.Tests.Observability;

/// <summary>What a run's gauges report between two updates of its grain.</summary>
public sealed class RunGaugesTests
{
    [Fact]
    public void TheDepthIsPendingAndLeasedAndTheLeaseAgeCountsFromTheClaim()
    {
        var gauges = new RunGauges();
        var claimed = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        gauges.SetQueue(pending: 3, leased: 4, workers: 2, oldestLeaseSince: claimed);
        Assert.Equal(7, gauges.Depth);
        Assert.Equal(3, gauges.Pending);
        Assert.Equal(2, gauges.LeasingWorkers);
        Assert.Equal(90, gauges.OldestLeaseAge(claimed.AddSeconds(90)), 9);

        // A clock behind the claim (another silo's) reads 0, not a negative age; no lease reads 0.
        Assert.Equal(0, gauges.OldestLeaseAge(claimed.AddSeconds(-1)));
        gauges.SetQueue(0, 0, 0, null);
        Assert.Equal(0, gauges.OldestLeaseAge(claimed.AddHours(1)));
        Assert.Equal(0, gauges.Depth);
    }

    [Fact]
    public void TheRunsLastIterationAndWhoServesItAreKept()
    {
        var gauges = new RunGauges();
        Assert.Equal(RunGauges.WorkerSilos, gauges.ServedBy);
        gauges.SetRun(RunGauges.External, finished: 12, acceptRate: 0.375);
        Assert.Equal(RunGauges.External, gauges.ServedBy);
        Assert.Equal(12, gauges.FinishedIterations);
        Assert.Equal(0.375, gauges.AcceptRate);
    }
}
