namespace Orleans.GvmRaft.Policy.Checkpoints;

/// <summary>
/// Where policy versions live, as folders of files (Hugging Face layout plus optimiser state and a
/// manifest). Writers stage a version locally and publish it whole; readers get a local folder
/// whose files were checked against the version's hash. Everything that reaches the store itself
/// is asynchronous: a blob store's calls cross the network, and a directory store may be a
/// network volume; callers include grains, whose turns must not block.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>
    /// A new, empty local folder to write version <paramref name="version"/> of <paramref name="runId"/>
    /// into. Local in every store (the writer's own disk), hence synchronous.
    /// </summary>
    string CreateStaging(string runId, long version);

    /// <summary>Writes the manifest of <paramref name="staging"/> and makes it a stored version; the staging folder is gone afterwards.</summary>
    Task<StoredCheckpoint> PublishAsync(string runId, long version, string staging, CancellationToken cancellationToken = default);

    /// <summary>A local folder holding the version's files, checked against its hash.</summary>
    /// <exception cref="CorruptCheckpointException">The files do not match the hash.</exception>
    Task<string> OpenAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken = default);

    /// <summary>The version's files as its manifest lists them.</summary>
    Task<IReadOnlyList<ManifestEntry>> FilesAsync(string location, CancellationToken cancellationToken = default);

    /// <summary>Reads up to <paramref name="count"/> bytes of file <paramref name="name"/> of a version from <paramref name="offset"/>.</summary>
    Task<byte[]> ReadAsync(string location, string name, long offset, int count, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the run's versions older than the newest <paramref name="keep"/>, and everything not
    /// <paramref name="current"/> at its version or a staging leftover; the versions named in
    /// <paramref name="alsoKeep"/> (a best version) stay.
    /// </summary>
    Task PruneAsync(string runId, StoredCheckpoint current, int keep, IReadOnlyCollection<string>? alsoKeep = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes every version and staging leftover of <paramref name="runId"/>, and nothing of any other run.</summary>
    Task DeleteRunAsync(string runId, CancellationToken cancellationToken = default);
}
