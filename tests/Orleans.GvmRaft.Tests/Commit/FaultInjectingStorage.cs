using System.Collections.Concurrent;
using Orleans.Storage;

namespace Orleans.GvmRaft.Tests.Commit;

/// <summary>
/// Grain storage that fails the writes a test asks it to fail, for one grain at a time, and
/// otherwise passes every call to the storage it wraps. A write fails before it reaches the
/// storage, or after it was stored (a timeout after the database committed: the caller cannot
/// know which). The in-process cluster's silos share the
/// process, so a static table reaches whichever silo holds the grain.
/// </summary>
public sealed class FaultInjectingStorage(IGrainStorage inner) : IGrainStorage
{
    private static readonly ConcurrentDictionary<GrainId, (int Count, bool AfterWriting, int Skip)> FailingWrites = new();
    private static readonly ConcurrentDictionary<GrainId, object?> Written = new();

    /// <summary>Makes the next <paramref name="count"/> writes of <paramref name="grain"/> after the next <paramref name="skip"/> fail, before or <paramref name="afterWriting"/>.</summary>
    public static void FailWrites(GrainId grain, int count = 1, bool afterWriting = false, int skip = 0) => FailingWrites[grain] = (count, afterWriting, skip);

    /// <summary>Whether a write armed by <see cref="FailWrites"/> has not happened yet.</summary>
    public static bool IsArmed(GrainId grain) => FailingWrites.ContainsKey(grain);

    /// <summary>The state last stored for <paramref name="grain"/>, as the grain handed it over.</summary>
    public static object? LastWritten(GrainId grain) => Written.GetValueOrDefault(grain);

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (!FailingWrites.TryGetValue(grainId, out var failing) || failing.Skip > 0)
        {
            if (failing.Skip > 0)
            {
                FailingWrites[grainId] = failing with { Skip = failing.Skip - 1 };
            }

            await inner.WriteStateAsync(stateName, grainId, grainState);
            Written[grainId] = grainState.State;
            return;
        }

        if (failing.Count <= 1)
        {
            FailingWrites.TryRemove(grainId, out _);
        }
        else
        {
            FailingWrites[grainId] = failing with { Count = failing.Count - 1 };
        }

        if (failing.AfterWriting)
        {
            // Stored, but the new ETag never reaches the grain, as when the answer is lost.
            var stored = new GrainState<T>(grainState.State, grainState.ETag);
            await inner.WriteStateAsync(stateName, grainId, stored);
        }

        throw new IOException($"injected write failure for {grainId}{(failing.AfterWriting ? " after it was stored" : "")}");
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);
}
