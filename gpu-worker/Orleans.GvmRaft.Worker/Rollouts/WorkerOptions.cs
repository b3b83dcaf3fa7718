using Orleans.GvmRaft.Configuration;

namespace Orleans.GvmRaft.Worker.Rollouts;

/// <summary>Settings of a worker silo's rollout worker (section <c>Gvm:Worker</c>).</summary>
public sealed class WorkerOptions : IValidatableOptions
{
    /// <inheritdoc />
    public static string SectionName => "Gvm:Worker";

    /// <summary>
    /// Work items claimed at once. Their responses are sampled in shared batches, so larger claims
    /// batch better; smaller ones share an iteration among more workers.
    /// </summary>
    public int ClaimSize { get; set; } = 32;

    /// <summary>How often an idle worker looks for work and reports itself.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Responses sampled in one batch.</summary>
    public int SampleBatch { get; set; } = 256;

    /// <summary>
    /// A folder where the worker keeps its completion ledger (<c>WORKER-ID.jsonl</c>, see
    /// <see cref="CompletionLedger"/>); empty (the default) keeps none.
    /// </summary>
    public string Ledger { get; set; } = "";

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (ClaimSize is < 1 or > 4096)
        {
            yield return $"{SectionName}:ClaimSize must be between 1 and 4096 (got {ClaimSize}).";
        }

        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"{SectionName}:PollInterval must be between 0 and 1 minute (got {PollInterval}).";
        }

        if (SampleBatch is < 1 or > 65_536)
        {
            yield return $"{SectionName}:SampleBatch must be between 1 and 65536 (got {SampleBatch}).";
        }
    }
}
