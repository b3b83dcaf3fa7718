namespace Orleans.GvmRaft.Client.Cluster;

/// <summary>
/// Retries a failed gateway connection until a deadline. Orleans' default keeps a client trying
/// for minutes, which is right for a service waiting on its cluster and wrong for a command a
/// person typed against a silo that is not there.
/// </summary>
public sealed class DeadlineRetryFilter(TimeSpan timeout) : IClientConnectionRetryFilter
{
    private readonly DateTimeOffset _deadline = DateTimeOffset.UtcNow + timeout;

    /// <inheritdoc />
    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (DateTimeOffset.UtcNow + RetryDelay >= _deadline)
        {
            return false;
        }

        await Task.Delay(RetryDelay, cancellationToken);
        return true;
    }

    private static TimeSpan RetryDelay => TimeSpan.FromMilliseconds(500);
}
