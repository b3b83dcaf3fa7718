namespace Orleans.GvmRaft.Policy.Checkpoints;

/// <summary>
/// Where policy versions live, as folders of files (Hugging Face layout plus optimiser state and a
/// manifest). Writers stage a version locally and publish it whole; readers get a local folder
/// whose files were checked against the version's hash.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>A new, empty local folder to write version <paramref name="version"/> of <paramref name="runId"/> into.</summary>
    string CreateStaging(string runId, long version);

    /// <summary>Writes the manifest of <paramref name="staging"/> and makes it a stored version; the staging folder is gone afterwards.</summary>
    StoredCheckpoint Publish(string runId, long version, string staging);

    /// <summary>A local folder holding the version's files, checked against its hash.</summary>
    /// <exception cref="CorruptCheckpointException">The files do not match the hash.</exception>
    string Open(StoredCheckpoint checkpoint);

    /// <summary>The version's files as its manifest lists them.</summary>
    IReadOnlyList<ManifestEntry> Files(string location);

    /// <summary>Reads up to <paramref name="count"/> bytes of file <paramref name="name"/> of a version from <paramref name="offset"/>.</summary>
    byte[] Read(string location, string name, long offset, int count);

    /// <summary>Deletes the run's versions older than the newest <paramref name="keep"/>, and everything not <paramref name="current"/> at its version or a staging leftover.</summary>
    void Prune(string runId, StoredCheckpoint current, int keep);
}
