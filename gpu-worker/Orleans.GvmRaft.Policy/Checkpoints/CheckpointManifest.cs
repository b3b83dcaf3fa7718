using System.Security.Cryptography;
using System.Text.Json;

namespace Orleans.GvmRaft.Policy.Checkpoints;

/// <summary>
/// <c>manifest.json</c> of a stored version: every other file's name, size and SHA-256. The
/// version's content hash is the SHA-256 of this file, so one short string pins every byte.
/// </summary>
public static class CheckpointManifest
{
    /// <summary>The manifest's file name.</summary>
    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Hashes every file of <paramref name="folder"/> and writes the manifest; returns the content hash.</summary>
    public static string Write(string folder)
    {
        var entries = Directory.GetFiles(folder)
            .Select(Path.GetFileName)
            .Where(name => name != FileName)
            .Order(StringComparer.Ordinal)
            .Select(name => Describe(Path.Combine(folder, name!)))
            .ToList();
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(entries, Json);
        File.WriteAllBytes(Path.Combine(folder, FileName), bytes);
        return Hash(bytes);
    }

    /// <summary>
    /// Checks <paramref name="folder"/> against <paramref name="expectedHash"/>: the manifest's hash,
    /// then every file it lists. Returns the entries.
    /// </summary>
    /// <exception cref="CorruptCheckpointException">A hash, size or file does not match; the message names it.</exception>
    public static IReadOnlyList<ManifestEntry> Verify(string folder, string expectedHash)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            throw new CorruptCheckpointException($"{folder}: {FileName} is missing.");
        }

        byte[] bytes = File.ReadAllBytes(path);
        string hash = Hash(bytes);
        if (hash != expectedHash)
        {
            throw new CorruptCheckpointException($"{path}: content hash {hash} is not the recorded {expectedHash}.");
        }

        var entries = Read(bytes, path);
        foreach (var entry in entries)
        {
            string file = Path.Combine(folder, entry.Name);
            if (!File.Exists(file))
            {
                throw new CorruptCheckpointException($"{file}: listed in {FileName} but missing.");
            }

            var actual = Describe(file);
            if (actual != entry)
            {
                throw new CorruptCheckpointException(
                    $"{file}: {actual.Bytes} bytes with SHA-256 {actual.Sha256}; {FileName} records {entry.Bytes} bytes with {entry.Sha256}.");
            }
        }

        return entries;
    }

    /// <summary>The entries of a manifest's bytes; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="CorruptCheckpointException">The bytes are not a manifest.</exception>
    public static List<ManifestEntry> Read(byte[] bytes, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<List<ManifestEntry>>(bytes, Json) ?? throw new CorruptCheckpointException($"{source}: empty.");
        }
        catch (JsonException e)
        {
            throw new CorruptCheckpointException($"{source}: not a manifest: {e.Message}");
        }
    }

    private static ManifestEntry Describe(string path)
    {
        using var stream = File.OpenRead(path);
        return new ManifestEntry(Path.GetFileName(path), stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }

    /// <summary>The content hash of a manifest's bytes.</summary>
    public static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
