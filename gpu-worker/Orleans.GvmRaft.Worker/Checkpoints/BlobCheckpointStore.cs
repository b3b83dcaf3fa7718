using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Orleans.GvmRaft.Policy.Checkpoints;

namespace Orleans.GvmRaft.Worker.Checkpoints;

/// <summary>
/// A checkpoint store in an Azure Blob storage container: <c>RUN/v000005-1a2b3c4d/FILE</c> per
/// version. The manifest is uploaded last, so a version exists once its manifest does; readers
/// download a version into a local cache once and check every file against the hash there.
/// </summary>
public sealed class BlobCheckpointStore : ICheckpointStore
{
    private readonly BlobContainerClient _container;
    private readonly string _cache;

    /// <summary>A store in <paramref name="container"/>, caching downloaded versions under <paramref name="cache"/>.</summary>
    public BlobCheckpointStore(BlobContainerClient container, string cache)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = container;
        _cache = Path.GetFullPath(cache);
        _container.CreateIfNotExists();
    }

    /// <inheritdoc />
    public string CreateStaging(string runId, long version)
    {
        string folder = Path.Combine(_cache, ".staging", $"{CheckpointNames.Run(runId)}-{CheckpointNames.Version(version)}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <inheritdoc />
    public StoredCheckpoint Publish(string runId, long version, string staging)
    {
        string hash = CheckpointManifest.Write(staging);
        string location = $"{CheckpointNames.Run(runId)}/{CheckpointNames.Version(version)}";
        foreach (string file in Directory.GetFiles(staging).OrderBy(f => Path.GetFileName(f) == CheckpointManifest.FileName))
        {
            _container.GetBlobClient($"{location}/{Path.GetFileName(file)}").Upload(file, overwrite: true);
        }

        Directory.Delete(staging, recursive: true);
        return new StoredCheckpoint(location, hash);
    }

    /// <inheritdoc />
    public string Open(StoredCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        string folder = CacheFolder(checkpoint.Location);
        if (!Directory.Exists(folder))
        {
            string partial = folder + $".partial-{Guid.NewGuid():N}";
            Directory.CreateDirectory(partial);
            foreach (var entry in Files(checkpoint.Location).Append(new ManifestEntry(CheckpointManifest.FileName, 0, "")))
            {
                _container.GetBlobClient($"{checkpoint.Location}/{entry.Name}").DownloadTo(Path.Combine(partial, entry.Name));
            }

            CheckpointManifest.Verify(partial, checkpoint.Hash);
            try
            {
                Directory.Move(partial, folder);
            }
            catch (IOException) when (Directory.Exists(folder))
            {
                // Another reader on this machine finished first; its copy is checked below.
                Directory.Delete(partial, recursive: true);
            }
        }

        CheckpointManifest.Verify(folder, checkpoint.Hash);
        return folder;
    }

    /// <inheritdoc />
    public IReadOnlyList<ManifestEntry> Files(string location)
    {
        try
        {
            byte[] bytes = _container.GetBlobClient($"{location}/{CheckpointManifest.FileName}").DownloadContent().Value.Content.ToArray();
            return CheckpointManifest.Read(bytes, $"{_container.Uri}/{location}/{CheckpointManifest.FileName}");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new CorruptCheckpointException($"{_container.Uri}/{location}: the checkpoint is gone from the store (pruned, or the store is not the one that wrote it).");
        }
    }

    /// <inheritdoc />
    public byte[] Read(string location, string name, long offset, int count)
    {
        // One ranged download per chunk, no manifest download: a client copies a large file in many chunks.
        var options = new BlobDownloadOptions { Range = new HttpRange(offset, count) };
        try
        {
            return _container.GetBlobClient($"{location}/{CheckpointNames.FileName(name)}").DownloadContent(options).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new FileNotFoundException($"{location}: no file '{name}'.", e);
        }
    }

    /// <inheritdoc />
    public void Prune(string runId, StoredCheckpoint current, int keep)
    {
        ArgumentNullException.ThrowIfNull(current);
        string run = CheckpointNames.Run(runId);
        var blobs = _container.GetBlobs(BlobTraits.None, BlobStates.None, run + "/", CancellationToken.None).Select(b => b.Name).ToList();
        var versions = blobs.Select(b => b.Split('/')[1]).Distinct(StringComparer.Ordinal);
        foreach (string stale in CheckpointNames.Stale(versions, Path.GetFileName(current.Location), keep))
        {
            foreach (string blob in blobs.Where(b => b.StartsWith($"{run}/{stale}/", StringComparison.Ordinal)))
            {
                _container.DeleteBlobIfExists(blob);
            }

            string cached = CacheFolder($"{run}/{stale}");
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }
    }

    private string CacheFolder(string location)
    {
        string folder = Path.GetFullPath(Path.Combine(_cache, location));
        return folder.StartsWith(_cache + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? folder
            : throw new ArgumentException($"checkpoint location '{location}' is outside the cache {_cache}.");
    }
}
