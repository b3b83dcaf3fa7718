namespace Orleans.GvmRaft;

/// <summary>Applies a change to grain state and persists it, or leaves the state as it was.</summary>
internal static class PersistentStateCommit
{
    /// <summary>
    /// Runs <paramref name="change"/> on the state and writes it; if the write fails the in-memory
    /// state is put back from a copy, so memory never runs ahead of storage and a caller that sees
    /// the error can retry without anything having been counted.
    /// </summary>
    public static async Task CommitAsync<T>(this IPersistentState<T> state, Func<T, T> copy, Action<T> change)
    {
        var before = copy(state.State);
        change(state.State);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = before;
            throw;
        }
    }
}
