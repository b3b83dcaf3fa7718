using Orleans.GvmRaft.Configuration;

namespace Orleans.GvmRaft.Silo.PromptTable;

/// <summary>How the prompt table groups writes (section <c>Gvm:PromptTable</c>).</summary>
public sealed class PromptTableOptions : IValidatableOptions
{
    /// <inheritdoc />
    public static string SectionName => "Gvm:PromptTable";

    /// <summary>Most rows per transaction: a stage of B = 1,024 prompts lands in one or a few.</summary>
    public int MaxBatchSize { get; set; } = 1024;

    /// <summary>
    /// How long a write waits for others to join its transaction. A few milliseconds lets the
    /// writes of one fan-out (a claim's results) meet, at a small cost in latency per write.
    /// </summary>
    public TimeSpan FlushDelay { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (MaxBatchSize is < 1 or > 10_000)
        {
            yield return $"{SectionName}:MaxBatchSize must be between 1 and 10000 (got {MaxBatchSize}).";
        }

        if (FlushDelay < TimeSpan.Zero || FlushDelay > TimeSpan.FromSeconds(1))
        {
            yield return $"{SectionName}:FlushDelay must be between 0 and 1 second (got {FlushDelay}).";
        }
    }
}
