namespace Orleans.GvmRaft.Rollouts;

/// <summary>
/// Keeps a claim's leases while its work goes on: every third of the time a lease had left when
/// claimed, it renews the ones still held (<see cref="IRolloutQueueGrain.RenewAsync"/>), until it
/// is disposed. Without it, a generation that outlasts the lease is issued to a second worker and
/// drawn twice. Worker silos and external workers alike wrap each claim's work in one.
/// </summary>
public sealed class LeaseRenewal : IAsyncDisposable
{
    private static readonly TimeSpan Shortest = TimeSpan.FromMilliseconds(50);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    private LeaseRenewal(IRolloutQueueGrain queue, string workerId, RolloutLease[] leases, TimeProvider clock)
    {
        // Two renewals per lease would do on a quiet cluster; three leave room for a slow call.
        var left = leases.Min(l => l.ExpiresAt) - clock.GetUtcNow();
        Period = left / 3 > Shortest ? left / 3 : Shortest;
        _renewing = RenewAsync(queue, workerId, [.. leases.Select(l => l.Item.ItemId)], clock, _stop.Token);
    }

    /// <summary>How often the leases are renewed.</summary>
    public TimeSpan Period { get; }

    /// <summary>Renewals that went through.</summary>
    public int Renewals { get; private set; }

    /// <summary>Items whose lease was lost (done elsewhere, or issued to another worker) before the work ended.</summary>
    public int Lost { get; private set; }

    /// <summary>The last renewal's failure, if the last one failed (the next period tries again).</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Starts renewing <paramref name="leases"/>, all of <paramref name="queue"/> and held by <paramref name="workerId"/>.</summary>
    public static LeaseRenewal Start(IRolloutQueueGrain queue, string workerId, IReadOnlyCollection<RolloutLease> leases, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        ArgumentNullException.ThrowIfNull(leases);
        if (leases.Count == 0)
        {
            throw new ArgumentException("nothing to renew: the claim holds no lease.", nameof(leases));
        }

        return new LeaseRenewal(queue, workerId, [.. leases], clock ?? TimeProvider.System);
    }

    /// <summary>Stops renewing; the leases then run out unless the work completed them.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        _stop.Dispose();
    }

    private async Task RenewAsync(IRolloutQueueGrain queue, string workerId, string[] ids, TimeProvider clock, CancellationToken stop)
    {
        while (ids.Length > 0)
        {
            try
            {
                await Task.Delay(Period, clock, stop);
                var renewed = await queue.RenewAsync(workerId, ids).WaitAsync(stop);
                Lost += ids.Length - renewed.Length;
                ids = renewed;
                Renewals++;
                LastError = null;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A silo may be moving the queue; the lease still has two thirds of its time.
                LastError = e;
            }
        }
    }
}
