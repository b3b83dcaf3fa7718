namespace Orleans.GvmRaft.Worker.Compute;

/// <summary>
/// The silo's <see cref="DeviceScheduler"/>s, one per device, made when first asked for: the
/// rollout workers' sampling and model loads and the trainer's jobs on one device take turns on its
/// thread. On the CPU they would contend for the same cores anyway; on a GPU, one device's kernels
/// run in order whoever launches them.
/// </summary>
public sealed class DeviceSchedulers : IDisposable
{
    private readonly Dictionary<string, DeviceScheduler> _schedulers = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>The scheduler of <paramref name="device"/> (<c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>; null or empty is the CPU).</summary>
    public DeviceScheduler For(string? device)
    {
        string key = string.IsNullOrWhiteSpace(device) ? "cpu" : device.Trim().ToLowerInvariant();
        key = key == "cuda" ? "cuda:0" : key;
        lock (_schedulers)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_schedulers.TryGetValue(key, out var scheduler))
            {
                scheduler = new DeviceScheduler(key);
                _schedulers[key] = scheduler;
            }

            return scheduler;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        DeviceScheduler[] all;
        lock (_schedulers)
        {
            _disposed = true;
            all = [.. _schedulers.Values];
            _schedulers.Clear();
        }

        foreach (var scheduler in all)
        {
            scheduler.Dispose();
        }
    }
}
