using Orleans.GvmRaft.Configuration;

namespace Orleans.GvmRaft.Worker.Checkpoints;

/// <summary>Where trainers write policy versions and workers read them (section <c>Gvm:Checkpoints</c>).</summary>
public sealed class CheckpointOptions : IValidatableOptions
{
    /// <inheritdoc />
    public static string SectionName => "Gvm:Checkpoints";

    /// <summary>
    /// <c>Directory</c>, <c>AzureBlob</c> (connection string <c>ConnectionStrings:AzureStorage</c>), or
    /// <c>Auto</c> (the default): AzureBlob when the grain state is in Azure Storage
    /// (<c>Gvm:Silo:Storage</c> AzureTable or AzureBlob), so weights and optimiser state go to blobs
    /// and never near a Table entity, else Directory.
    /// </summary>
    public string Store { get; set; } = "Auto";

    /// <summary>
    /// The blob container of an <c>AzureBlob</c> store; by default <c>gvm-ckpt-{service id}</c>,
    /// so services sharing an account (whose run ids may repeat) never overwrite each other's versions.
    /// </summary>
    public string? Container { get; set; }

    /// <summary>
    /// The store's directory; for <c>AzureBlob</c>, where this silo caches the versions it downloaded. Every worker silo of a cluster must see the same one (a shared
    /// volume), since a run's trainer and its rollout workers may sit on different silos. Relative
    /// paths are taken from the working directory.
    /// </summary>
    public string Directory { get; set; } = "checkpoints";

    /// <summary>Versions of a run kept in the store; older ones are deleted once a newer one is recorded. At least 2, so workers finishing the previous version's items can still load it.</summary>
    public int Keep { get; set; } = 2;

    /// <summary>Also keep the version with the best held-out accuracy so far, beside the newest <see cref="Keep"/>, until a better one is recorded.</summary>
    public bool KeepBest { get; set; }

    /// <summary>Weights above this size are written as several safetensors shards with an index, as Hugging Face does.</summary>
    public long ShardBytes { get; set; } = 2L << 30;

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (Store is not ("Auto" or "Directory" or "AzureBlob"))
        {
            yield return $"{SectionName}:Store must be Auto, Directory or AzureBlob (got '{Store}').";
        }

        if (Container is not null && string.IsNullOrWhiteSpace(Container))
        {
            yield return $"{SectionName}:Container must name a blob container (or be left out for the service's own).";
        }

        if (string.IsNullOrWhiteSpace(Directory))
        {
            yield return $"{SectionName}:Directory must name a directory.";
        }

        if (Keep < 2)
        {
            yield return $"{SectionName}:Keep must be >= 2 (got {Keep}).";
        }

        if (ShardBytes < 1 << 20)
        {
            yield return $"{SectionName}:ShardBytes must be at least 1 MiB (got {ShardBytes}).";
        }
    }
}
