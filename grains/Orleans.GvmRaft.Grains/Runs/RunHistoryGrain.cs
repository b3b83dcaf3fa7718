namespace Orleans.GvmRaft.Runs;

/// <summary>A page of a run's iteration history (see <see cref="IRunHistoryGrain"/>).</summary>
[Placement.ControlPlacementFilter]
public sealed class RunHistoryGrain(
    [PersistentState("history", GvmStorage.Runs)] IPersistentState<RunHistoryPage> state) : Grain, IRunHistoryGrain
{
    /// <inheritdoc />
    public async Task AppendAsync(IterationSummary[] summaries)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var fresh = summaries.Where(s => !state.State.Iterations.Any(held => held.Iteration == s.Iteration && held.FinishedAt == s.FinishedAt)).ToList();
        if (fresh.Count == 0)
        {
            return;
        }

        await state.CommitAsync(this, page =>
        {
            foreach (var summary in fresh)
            {
                page.Iterations.RemoveAll(s => s.Iteration == summary.Iteration);
                page.Iterations.Add(summary);
            }

            page.Iterations.Sort((a, b) => a.Iteration.CompareTo(b.Iteration));
        });
    }

    /// <inheritdoc />
    public Task<IterationSummary[]> GetAsync() => Task.FromResult<IterationSummary[]>([.. state.State.Iterations]);

    /// <inheritdoc />
    public async Task ClearAsync()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}
