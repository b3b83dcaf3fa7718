using Orleans.Concurrency;

namespace Orleans.GvmRaft.Runs;

/// <summary>
/// One page of a run's iteration history (<see cref="PageSize"/> iterations, keyed
/// <c>RUN/PAGE</c>): every finished iteration's summary is written to its page, so the run's own
/// state keeps only the recent ones and stays small however long the run goes on.
/// </summary>
public interface IRunHistoryGrain : IGrainWithStringKey
{
    /// <summary>Iterations per page.</summary>
    public const int PageSize = 256;

    /// <summary>Adds summaries; one for an iteration already held replaces it, so a repeat is harmless.</summary>
    Task AppendAsync(IterationSummary[] summaries);

    /// <summary>The page's summaries, by iteration.</summary>
    [AlwaysInterleave]
    Task<IterationSummary[]> GetAsync();

    /// <summary>Drops the page and its stored state (the run is deleted).</summary>
    Task ClearAsync();

    /// <summary>The key of the page of <paramref name="iteration"/> (1-based) of run <paramref name="runId"/>.</summary>
    public static string Key(string runId, int iteration) => $"{runId}/{(iteration - 1) / PageSize}";
}
