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
    public async Task<StoredCheckpoint> PublishAsync(string runId, long version, string staging, CancellationToken cancellationToken = default)
    {
        string hash = await Task.Run(() => CheckpointManifest.Write(staging), cancellationToken);
        string location = $"{CheckpointNames.Run(runId)}/{CheckpointNames.Version(version)}";
        foreach (string file in Directory.GetFiles(staging).OrderBy(f => Path.GetFileName(f) == CheckpointManifest.FileName))
        {
            await _container.GetBlobClient($"{location}/{Path.GetFileName(file)}").UploadAsync(file, overwrite: true, cancellationToken);
        }

        Directory.Delete(staging, recursive: true);
        return new StoredCheckpoint(location, hash);
    }

    /// <inheritdoc />
    public async Task<string> OpenAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        string folder = CacheFolder(checkpoint.Location);
        if (!Directory.Exists(folder))
        {
            string partial = folder + $".partial-{Guid.NewGuid():N}";
            Directory.CreateDirectory(partial);
            foreach (var entry in (await FilesAsync(checkpoint.Location, cancellationToken)).Append(new ManifestEntry(CheckpointManifest.FileName, 0, "")))
            {
                await _container.GetBlobClient($"{checkpoint.Location}/{entry.Name}").DownloadToAsync(Path.Combine(partial, entry.Name), cancellationToken);
            }

            await Task.Run(() => CheckpointManifest.Verify(partial, checkpoint.Hash), cancellationToken);
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

        await Task.Run(() => CheckpointManifest.Verify(folder, checkpoint.Hash), cancellationToken);
        return folder;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ManifestEntry>> FilesAsync(string location, CancellationToken cancellationToken = default)
    {
        try
        {
            var content = await _container.GetBlobClient($"{location}/{CheckpointManifest.FileName}").DownloadContentAsync(cancellationToken);
            return CheckpointManifest.Read(content.Value.Content.ToArray(), $"{_container.Uri}/{location}/{CheckpointManifest.FileName}");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new CorruptCheckpointException($"{_container.Uri}/{location}: the checkpoint is gone from the store (pruned, or the store is not the one that wrote it).");
        }
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadAsync(string location, string name, long offset, int count, CancellationToken cancellationToken = default)
    {
        // One ranged download per chunk, no manifest download: a client copies a large file in many chunks.
        var options = new BlobDownloadOptions { Range = new HttpRange(offset, count) };
        try
        {
            var content = await _container.GetBlobClient($"{location}/{CheckpointNames.FileName(name)}").DownloadContentAsync(options, cancellationToken);
            return content.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new FileNotFoundException($"{location}: no file '{name}'.", e);
        }
    }

    /// <inheritdoc />
    public async Task PruneAsync(string runId, StoredCheckpoint current, int keep, IReadOnlyCollection<string>? alsoKeep = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        string run = CheckpointNames.Run(runId);
        var blobs = new List<string>();
        await foreach (var blob in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, run + "/", cancellationToken))
        {
            blobs.Add(blob.Name);
        }

        var versions = blobs.Select(b => b.Split('/')[1]).Distinct(StringComparer.Ordinal);
        foreach (string stale in CheckpointNames.Stale(versions, Path.GetFileName(current.Location), keep).Except(alsoKeep ?? [], StringComparer.Ordinal))
        {
            foreach (string blob in blobs.Where(b => b.StartsWith($"{run}/{stale}/", StringComparison.Ordinal)))
            {
                await _container.DeleteBlobIfExistsAsync(blob, cancellationToken: cancellationToken);
            }

            string cached = CacheFolder($"{run}/{stale}");
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }
    }

    /// <inheritdoc />
    public async Task DeleteRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        string run = CheckpointNames.Run(runId);
        await foreach (var blob in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, run + "/", cancellationToken))
        {
            await _container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
        }

        await Task.Run(
            () =>
            {
                string cached = CacheFolder(run);
                if (Directory.Exists(cached))
                {
                    Directory.Delete(cached, recursive: true);
                }

                string staging = Path.Combine(_cache, ".staging");
                if (Directory.Exists(staging))
                {
                    // RUN-v000005-1a2b3c4d: another run's name may start with this one's and a dash.
                    foreach (string leftover in Directory.GetDirectories(staging, run + "-*")
                        .Where(d => CheckpointNames.IsVersion(Path.GetFileName(d)[(run.Length + 1)..])))
                    {
                        Directory.Delete(leftover, recursive: true);
                    }
                }
            },
            cancellationToken);
    }

    private string CacheFolder(string location)
    {
        string folder = Path.GetFullPath(Path.Combine(_cache, location));
        return folder.StartsWith(_cache + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? folder
            : throw new ArgumentException($"checkpoint location '{location}' is outside the cache {_cache}.");
    }
}
