using System.Collections.Concurrent;
using Orleans.Storage;

namespace Orleans.GvmRaft.Tests.Commit;

/// <summary>
/// Grain storage that fails the writes a test asks it to fail, for one grain at a time, and
/// otherwise passes every call to the storage it wraps. The in-process cluster's silos share the
/// process, so a static table reaches whichever silo holds the grain.
/// </summary>
public sealed class FaultInjectingStorage(IGrainStorage inner) : IGrainStorage
{
    private static readonly ConcurrentDictionary<GrainId, int> FailingWrites = new();

    /// <summary>Makes the next <paramref name="count"/> writes of <paramref name="grain"/> fail.</summary>
    public static void FailWrites(GrainId grain, int count = 1) => FailingWrites[grain] = count;

    /// <summary>Whether a write armed by <see cref="FailWrites"/> has not happened yet.</summary>
    public static bool IsArmed(GrainId grain) => FailingWrites.ContainsKey(grain);

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (FailingWrites.TryGetValue(grainId, out int left))
        {
            if (left <= 1)
            {
                FailingWrites.TryRemove(grainId, out _);
            }
            else
            {
                FailingWrites[grainId] = left - 1;
            }

            throw new IOException($"injected write failure for {grainId}");
        }

        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);
}
