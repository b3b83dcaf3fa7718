using Orleans.GvmRaft.Configuration;

namespace Orleans.GvmRaft.Prompts;

/// <summary>Settings of the prompt grains (section <c>Gvm:Prompts</c>).</summary>
public sealed class PromptGrainOptions : IValidatableOptions
{
    /// <inheritdoc />
    public static string SectionName => "Gvm:Prompts";

    /// <summary>
    /// How many recent report ids each prompt remembers to refuse a repeat. Workers retry within
    /// seconds, a prompt sees a few reports an iteration, and the ids are persisted with the
    /// statistics of every prompt, so a few dozen cover any retry at a small cost per prompt.
    /// </summary>
    public int ReportIdWindow { get; set; } = 64;

    /// <summary>How many recent reports each prompt keeps as history for <c>gvm prompt show</c>.</summary>
    public int HistoryLength { get; set; } = 32;

    /// <summary>
    /// How long an idle prompt grain stays in memory. A prompt is touched a few times per iteration
    /// that draws it, so over millions of prompts most are idle: a short age keeps silo memory
    /// bounded by the prompts in recent batches rather than by the pool.
    /// </summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        // Orleans collects in quanta of a minute; a shorter age is refused at start-up.
        if (CollectionAge < TimeSpan.FromSeconds(61))
        {
            yield return $"{SectionName}:CollectionAge must be more than 1 minute (got {CollectionAge}).";
        }

        if (HistoryLength is < 0 or > 10_000)
        {
            yield return $"{SectionName}:HistoryLength must be between 0 and 10000 (got {HistoryLength}).";
        }

        if (ReportIdWindow is < 1 or > 100_000)
        {
            yield return $"{SectionName}:ReportIdWindow must be between 1 and 100000 (got {ReportIdWindow}).";
        }
    }
}
