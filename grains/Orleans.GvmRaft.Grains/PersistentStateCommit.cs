using System.Diagnostics;
using Orleans.GvmRaft.Telemetry;

namespace Orleans.GvmRaft;

/// <summary>
/// The one way grains change persisted state: apply the change, write it, and if the write fails
/// make the visible state the persisted one again, so memory never runs ahead of storage and a
/// caller that sees the error can retry without anything having been counted.
/// </summary>
public static class PersistentStateCommit
{
    /// <summary>Runs <paramref name="change"/> on the state and writes it (see <see cref="WriteOrRestoreAsync{T}"/>).</summary>
    public static Task CommitAsync<T>(this IPersistentState<T> state, IGrainBase grain, Action<T> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        change(state.State);
        return state.WriteOrRestoreAsync(grain);
    }

    /// <summary>
    /// Writes the state as it is in memory. When the write fails the state is read back from
    /// storage rather than restored from a copy: a write whose outcome is unknown (a timeout after
    /// the database committed) then shows what was really stored, with its ETag. When the read
    /// fails too, the activation is dropped, and the next call reads the state afresh.
    /// </summary>
    public static async Task WriteOrRestoreAsync<T>(this IPersistentState<T> state, IGrainBase grain)
    {
        ArgumentNullException.ThrowIfNull(state);
        long started = Stopwatch.GetTimestamp();
        try
        {
            await state.WriteStateAsync();
            RecordWrite(grain, started, "ok");
        }
        catch
        {
            RecordWrite(grain, started, "failed");
            try
            {
                await state.ReadStateAsync();
            }
            catch
            {
                grain.DeactivateOnIdle();
            }

            throw;
        }
    }

    // Failed writes too (a timeout is latency an operator needs to see), told apart by outcome.
    private static void RecordWrite(IGrainBase grain, long started, string outcome) =>
        GvmMetrics.StorageWriteDuration.Record(
            Stopwatch.GetElapsedTime(started).TotalSeconds,
            GvmMetrics.SiloTag(grain),
            new KeyValuePair<string, object?>("grain", grain.GetType().Name),
            new KeyValuePair<string, object?>("outcome", outcome));
}
