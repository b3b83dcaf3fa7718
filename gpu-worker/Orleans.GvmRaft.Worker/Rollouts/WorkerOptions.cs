using Orleans.GvmRaft.Configuration;

namespace Orleans.GvmRaft.Worker.Rollouts;

/// <summary>Settings of a worker silo's rollout worker (section <c>Gvm:Worker</c>).</summary>
public sealed class WorkerOptions : IValidatableOptions
{
    /// <inheritdoc />
    public static string SectionName => "Gvm:Worker";

    /// <summary>
    /// What this worker silo does: <c>both</c> (the default) runs rollout workers and hosts
    /// trainers, <c>rollout</c> only the first, <c>trainer</c> only the second. It becomes the
    /// silo's <c>gvm.role</c> metadata (<see cref="Workers.WorkerRole"/>), which placement reads.
    /// </summary>
    public string Role { get; set; } = "both";

    /// <summary>
    /// Work items claimed at once. Their responses are sampled in shared batches sorted by prompt
    /// length, so larger claims batch better; smaller ones share an iteration among more workers.
    /// At 32 the main job's generation took about 1.2x the bare loop's on the 2-core machine, at
    /// 128 about 1.06x (<c>gvm-embedded bench overhead</c>).
    /// </summary>
    public int ClaimSize { get; set; } = 128;

    /// <summary>How often an idle worker looks for work.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How often the worker reports itself to the worker directory and learns which runs want
    /// rollouts, whatever its work is doing. Under the directory's 10 s liveness window, with room
    /// for a missed beat.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Devices of this silo, one rollout worker each (<c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>), each
    /// sampling there whatever device the run names. Empty (the default): one worker, on the run's device.
    /// </summary>
    public string[] Devices { get; set; } = [];

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
        if (Workers.WorkerRole.OfSetting(Role) is null)
        {
            yield return $"{SectionName}:Role must be one of {string.Join(", ", Workers.WorkerRole.Settings)} (got '{Role}').";
        }

        if (ClaimSize is < 1 or > 4096)
        {
            yield return $"{SectionName}:ClaimSize must be between 1 and 4096 (got {ClaimSize}).";
        }

        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"{SectionName}:PollInterval must be between 0 and 1 minute (got {PollInterval}).";
        }

        if (HeartbeatInterval < TimeSpan.FromMilliseconds(10) || HeartbeatInterval > TimeSpan.FromSeconds(4))
        {
            yield return $"{SectionName}:HeartbeatInterval must be between 10 ms and 4 s, within the directory's 10 s liveness window (got {HeartbeatInterval}).";
        }

        foreach (string device in Devices)
        {
            if (device != "cpu" && device != "cuda" && !(device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device.AsSpan(5), out int index) && index >= 0))
            {
                yield return $"{SectionName}:Devices holds '{device}'; each must be 'cpu', 'cuda' or 'cuda:N'.";
            }
        }

        if (Devices.Distinct(StringComparer.Ordinal).Count() != Devices.Length)
        {
            yield return $"{SectionName}:Devices names a device twice ({string.Join(", ", Devices)}).";
        }

        if (SampleBatch is < 1 or > 65_536)
        {
            yield return $"{SectionName}:SampleBatch must be between 1 and 65536 (got {SampleBatch}).";
        }
    }
}
