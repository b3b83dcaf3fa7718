using System.Globalization;
using System.Text.RegularExpressions;

namespace Orleans.GvmRaft.Policy.Checkpoints;

/// <summary>
/// A checkpoint store in a directory, local or a volume every worker silo mounts:
/// <c>ROOT/RUN/v000005-1a2b3c4d/</c> per version. A version's folder appears by one rename of a
/// complete staging folder, so a reader never sees half of one; the random suffix keeps a retried
/// version apart from a failed attempt's files.
/// </summary>
public sealed partial class DirectoryCheckpointStore(string root) : ICheckpointStore
{
    private const string StagingPrefix = ".staging-";

    /// <summary>The store's directory.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <inheritdoc />
    public string CreateStaging(string runId, long version)
    {
        string folder = Path.Combine(RunFolder(runId), $"{StagingPrefix}{Name(version)}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <inheritdoc />
    public StoredCheckpoint Publish(string runId, long version, string staging)
    {
        string hash = CheckpointManifest.Write(staging);
        string name = Name(version);
        Directory.Move(staging, Path.Combine(RunFolder(runId), name));
        return new StoredCheckpoint($"{SafeName(runId)}/{name}", hash);
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
        if (!Files(location).Any(f => f.Name == name))
        {
            throw new FileNotFoundException($"{location}: no file '{name}'.");
        }

        using var stream = File.OpenRead(Path.Combine(Folder(location), name));
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
        string currentName = Path.GetFileName(current.Location);
        var versions = Directory.GetDirectories(run).Select(Path.GetFileName).OfType<string>()
            .Select(name => (Name: name, Match: VersionName().Match(name)))
            .Where(v => v.Match.Success)
            .Select(v => (v.Name, Version: long.Parse(v.Match.Groups[1].Value, CultureInfo.InvariantCulture)))
            .ToList();
        long newest = versions.Max(v => v.Version);
        foreach (var (name, version) in versions)
        {
            bool stale = version <= newest - keep || (version == newest && name != currentName);
            if (stale)
            {
                Directory.Delete(Path.Combine(run, name), recursive: true);
            }
        }

        foreach (string staging in Directory.GetDirectories(run, StagingPrefix + "*"))
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private static string Name(long version) => $"v{version:D6}-{Guid.NewGuid().ToString("N")[..8]}";

    // Run ids are grain keys: anything outside a portable file name becomes '_'.
    private static string SafeName(string runId) => UnsafeCharacters().Replace(runId, "_");

    private string RunFolder(string runId)
    {
        string folder = Path.Combine(Root, SafeName(runId));
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

    [GeneratedRegex(@"^v(\d+)-[0-9a-f]{8}$")]
    private static partial Regex VersionName();

    [GeneratedRegex(@"[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeCharacters();
}
