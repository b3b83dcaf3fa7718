using Orleans.GvmRaft.Configuration;

namespace Orleans.GvmRaft.Runs;

/// <summary>Settings of the training-run coordinator (section <c>Gvm:Coordinator</c>).</summary>
public sealed class CoordinatorOptions : IValidatableOptions
{
    /// <inheritdoc />
    public static string SectionName => "Gvm:Coordinator";

    /// <summary>
    /// Most prompt-grain calls the coordinator has in flight at once. High enough to hide latency,
    /// bounded so that a batch of thousands does not flood the silo's queues at once.
    /// </summary>
    public int MaxConcurrentCalls { get; set; } = 512;

    /// <summary>
    /// How often a run waiting on its workers looks at the queue again (its grain timer's period).
    /// A stage's end is noticed this much later at most; shorter costs a queue call per look.
    /// </summary>
    public TimeSpan TickPeriod { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Finished iterations whose summaries the run keeps in its own state and sends with every
    /// snapshot; all of them are in the run's history pages, which <c>GetIterationsAsync</c> reads.
    /// </summary>
    public int RecentIterations { get; set; } = 16;

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (RecentIterations is < 1 or > 10_000)
        {
            yield return $"{SectionName}:RecentIterations must be between 1 and 10000 (got {RecentIterations}).";
        }

        if (TickPeriod < TimeSpan.FromMilliseconds(1) || TickPeriod > TimeSpan.FromMinutes(1))
        {
            yield return $"{SectionName}:TickPeriod must be between 1 ms and 1 minute (got {TickPeriod}).";
        }

        if (MaxConcurrentCalls is < 1 or > 65_536)
        {
            yield return $"{SectionName}:MaxConcurrentCalls must be between 1 and 65536 (got {MaxConcurrentCalls}).";
        }
    }
}
