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

    // Hashing a version's files and deleting whole folders are long file-system work with no
    // asynchronous API: they run on the thread pool, never on the caller's (a grain's) thread.

    /// <inheritdoc />
    public Task<StoredCheckpoint> PublishAsync(string runId, long version, string staging, CancellationToken cancellationToken = default) => Task.Run(
        () =>
        {
            string hash = CheckpointManifest.Write(staging);
            string name = CheckpointNames.Version(version);
            Directory.Move(staging, Path.Combine(RunFolder(runId), name));
            return new StoredCheckpoint($"{CheckpointNames.Run(runId)}/{name}", hash);
        },
        cancellationToken);

    /// <inheritdoc />
    public Task<string> OpenAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        string folder = Folder(checkpoint.Location);
        return Task.Run(
            () =>
            {
                if (!Directory.Exists(folder))
                {
                    throw new CorruptCheckpointException($"{folder}: the checkpoint is gone from the store (pruned, or the store is not the one that wrote it).");
                }

                CheckpointManifest.Verify(folder, checkpoint.Hash);
                return folder;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ManifestEntry>> FilesAsync(string location, CancellationToken cancellationToken = default)
    {
        string path = Path.Combine(Folder(location), CheckpointManifest.FileName);
        return CheckpointManifest.Read(await File.ReadAllBytesAsync(path, cancellationToken), path);
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadAsync(string location, string name, long offset, int count, CancellationToken cancellationToken = default)
    {
        // One open per chunk, no manifest read: a client copies a large file in many chunks.
        await using var stream = new FileStream(Path.Combine(Folder(location), CheckpointNames.FileName(name)), FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
        stream.Position = Math.Min(offset, stream.Length);
        var buffer = new byte[(int)Math.Min(count, stream.Length - stream.Position)];
        await stream.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }

    /// <inheritdoc />
    public Task PruneAsync(string runId, StoredCheckpoint current, int keep, IReadOnlyCollection<string>? alsoKeep = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        return Task.Run(() => Prune(runId, current, keep, alsoKeep ?? []), cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteRunAsync(string runId, CancellationToken cancellationToken = default) => Task.Run(
        () =>
        {
            string folder = Path.Combine(Root, CheckpointNames.Run(runId));
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        },
        cancellationToken);

    private void Prune(string runId, StoredCheckpoint current, int keep, IReadOnlyCollection<string> alsoKeep)
    {
        string run = RunFolder(runId);
        var names = Directory.GetDirectories(run).Select(Path.GetFileName).OfType<string>();
        foreach (string stale in CheckpointNames.Stale(names, Path.GetFileName(current.Location), keep).Except(alsoKeep, StringComparer.Ordinal))
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
