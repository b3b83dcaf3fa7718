namespace Orleans.GvmRaft.Policy.Checkpoints;

/// <summary>
/// A checkpoint store in a directory, local or a volume every worker silo mounts:
/// <c>ROOT/RUN/v000005-1a2b3c4d/</c> per version. A version's folder appears by one rename of a
/// complete staging folder, so a reader never sees half of one.
/// </summary>
public sealed class DirectoryCheckpointStore(string root) : ICheckpointStore
{
    private const string StagingPrefix = ".staging-";

    /// <summary>The store's directory.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <inheritdoc />
    public string CreateStaging(string runId, long version)
    {
        string folder = Path.Combine(RunFolder(runId), $"{StagingPrefix}{CheckpointNames.Version(version)}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <inheritdoc />
    public StoredCheckpoint Publish(string runId, long version, string staging)
    {
        string hash = CheckpointManifest.Write(staging);
        string name = CheckpointNames.Version(version);
        Directory.Move(staging, Path.Combine(RunFolder(runId), name));
        return new StoredCheckpoint($"{CheckpointNames.Run(runId)}/{name}", hash);
    }

    /// <inheritdoc />
    public string Open(StoredCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        string folder = Folder(checkpoint.Location);
        if (!Directory.Exists(folder))
        {
            throw new CorruptCheckpointException($"{folder}: the checkpoint is gone from the store (pruned, or the store is not the one that wrote it).");
        }

        CheckpointManifest.Verify(folder, checkpoint.Hash);
        return folder;
    }

    /// <inheritdoc />
    public IReadOnlyList<ManifestEntry> Files(string location) => CheckpointManifest.Read(Folder(location));

    /// <inheritdoc />
    public byte[] Read(string location, string name, long offset, int count)
    {
        // One open per chunk, no manifest read: a client copies a large file in many chunks.
        using var stream = File.OpenRead(Path.Combine(Folder(location), CheckpointNames.FileName(name)));
        stream.Position = Math.Min(offset, stream.Length);
        var buffer = new byte[(int)Math.Min(count, stream.Length - stream.Position)];
        stream.ReadExactly(buffer);
        return buffer;
    }

    /// <inheritdoc />
    public void Prune(string runId, StoredCheckpoint current, int keep)
    {
        ArgumentNullException.ThrowIfNull(current);
        string run = RunFolder(runId);
        var names = Directory.GetDirectories(run).Select(Path.GetFileName).OfType<string>();
        foreach (string stale in CheckpointNames.Stale(names, Path.GetFileName(current.Location), keep))
        {
            Directory.Delete(Path.Combine(run, stale), recursive: true);
        }

        foreach (string staging in Directory.GetDirectories(run, StagingPrefix + "*"))
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private string RunFolder(string runId)
    {
        string folder = Path.Combine(Root, CheckpointNames.Run(runId));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private string Folder(string location)
    {
        string folder = Path.GetFullPath(Path.Combine(Root, location));
        return folder.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? folder
            : throw new ArgumentException($"checkpoint location '{location}' is outside the store {Root}.");
    }
}
