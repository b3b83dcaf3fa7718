namespace Orleans.GvmRaft.Telemetry;

/// <summary>
/// The latest values of one run's gauges, written by its grain and read by the exporter's thread:
/// each field is one atomic read or write, and a scrape may mix values of two polls, which a gauge
/// sampled every few seconds allows.
/// </summary>
public sealed class RunGauges
{
    private long _depth;
    private long _pending;
    private long _oldestLeaseTicks;
    private int _leasingWorkers;
    private long _acceptRateBits = BitConverter.DoubleToInt64Bits(0);
    private int _finishedIterations;
    private string _servedBy = WorkerSilos;

    /// <summary>The <c>served_by</c> of a run whose rollouts the worker silos draw.</summary>
    public const string WorkerSilos = "worker_silos";

    /// <summary>The <c>served_by</c> of a run whose rollouts workers outside the cluster draw (an external policy).</summary>
    public const string External = "external";

    /// <summary>Who draws the run's rollouts: <see cref="WorkerSilos"/> or <see cref="External"/>.</summary>
    public string ServedBy => Volatile.Read(ref _servedBy);

    /// <summary>Items of the awaited stage not done.</summary>
    public long Depth => Interlocked.Read(ref _depth);

    /// <summary>Items of the awaited stage no worker holds.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>Workers holding leases of the awaited stage.</summary>
    public int LeasingWorkers => Volatile.Read(ref _leasingWorkers);

    /// <summary>Accepted over drawn in the last finished iteration.</summary>
    public double AcceptRate => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _acceptRateBits));

    /// <summary>Iterations finished.</summary>
    public int FinishedIterations => Volatile.Read(ref _finishedIterations);

    /// <summary>Seconds since the oldest live lease was taken, at <paramref name="now"/>; 0 when there is none.</summary>
    public double OldestLeaseAge(DateTimeOffset now)
    {
        long ticks = Interlocked.Read(ref _oldestLeaseTicks);
        return ticks == 0 ? 0 : Math.Max(0, (now.UtcTicks - ticks) / (double)TimeSpan.TicksPerSecond);
    }

    /// <summary>Records the awaited stage's progress.</summary>
    public void SetQueue(long pending, long leased, int workers, DateTimeOffset? oldestLeaseSince)
    {
        Interlocked.Exchange(ref _pending, pending);
        Interlocked.Exchange(ref _depth, pending + leased);
        Volatile.Write(ref _leasingWorkers, workers);
        Interlocked.Exchange(ref _oldestLeaseTicks, oldestLeaseSince?.UtcTicks ?? 0);
    }

    /// <summary>Records who serves the run, the iterations it finished and the last one's accept rate.</summary>
    public void SetRun(string servedBy, int finished, double acceptRate)
    {
        Volatile.Write(ref _servedBy, servedBy);
        Volatile.Write(ref _finishedIterations, finished);
        Interlocked.Exchange(ref _acceptRateBits, BitConverter.DoubleToInt64Bits(acceptRate));
    }
}
