using System.Security.Cryptography;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Client.Runs;

/// <summary>
/// Copies a run's current policy version, as a Hugging Face checkpoint, from its trainer into a
/// local folder: through the cluster, so a client that cannot see the checkpoint store still gets
/// it, each file checked against the SHA-256 the store's manifest records.
/// </summary>
public static class CheckpointDownload
{
    private const int Chunk = 4 << 20;

    /// <summary>
    /// Writes the checkpoint into <paramref name="folder"/> (replacing it whole); returns the bytes
    /// copied. <paramref name="onBytes"/> hears (bytes so far, bytes in all) after every chunk.
    /// </summary>
    /// <exception cref="InvalidDataException">A file arrived with another hash than recorded.</exception>
    public static async Task<long> CopyAsync(IPolicyTrainerGrain trainer, string folder, CancellationToken cancellationToken = default, Action<long, long>? onBytes = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var files = await trainer.GetCheckpointFilesAsync();
        long all = files.Sum(f => f.Bytes);
        string partial = folder + ".partial";
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        Directory.CreateDirectory(partial);
        long total = 0;
        foreach (var file in files)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var output = File.Create(Path.Combine(partial, file.Name)))
            {
                for (long offset = 0; offset < file.Bytes; offset += Chunk)
                {
                    byte[] bytes = await trainer.ReadCheckpointAsync(file.Name, offset, (int)Math.Min(Chunk, file.Bytes - offset));
                    hash.AppendData(bytes);
                    await output.WriteAsync(bytes, cancellationToken);
                    onBytes?.Invoke(total + offset + bytes.Length, all);
                }
            }

            string sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (sha != file.Sha256)
            {
                throw new InvalidDataException($"{file.Name}: arrived with SHA-256 {sha}; the checkpoint records {file.Sha256}.");
            }

            total += file.Bytes;
        }

        // The folder is replaced whole, so it never mixes two versions' files.
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.Move(partial, folder);
        return total;
    }
}
