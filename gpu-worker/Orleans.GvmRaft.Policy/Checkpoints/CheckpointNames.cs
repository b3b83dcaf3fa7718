using System.Globalization;
using System.Text.RegularExpressions;

namespace Orleans.GvmRaft.Policy.Checkpoints;

/// <summary>How every checkpoint store names runs and versions, and which versions retention drops.</summary>
public static partial class CheckpointNames
{
    /// <summary>A fresh name for version <paramref name="version"/>: <c>v000005-1a2b3c4d</c>; the random suffix keeps a retried version apart from a failed attempt's files.</summary>
    public static string Version(long version) => $"v{version:D6}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// A run id as a path segment and blob prefix, one to one: letters, digits, '.', '_' and '-'
    /// stay (every id the run id rule admits is its own folder, as before), every other character,
    /// and a leading '.', becomes '~' and its UTF-8 bytes in hex. '~' never stays, so two ids never
    /// share a folder (the ids 'a/b' and 'a_b' once did, and one run's prune removed the other's
    /// versions), and no id names '.', '..' or a hidden folder.
    /// </summary>
    public static string Run(string runId)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var name = new System.Text.StringBuilder(runId.Length);
        Span<byte> bytes = stackalloc byte[4];
        for (int i = 0; i < runId.Length; i += char.IsSurrogatePair(runId, i) ? 2 : 1)
        {
            char c = runId[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '-' || (c == '.' && i > 0))
            {
                name.Append(c);
                continue;
            }

            // A lone surrogate has no UTF-8 form: '~u' and its code ('u' is no hex digit, so this stays one to one).
            int length = char.IsSurrogatePair(runId, i)
                ? System.Text.Encoding.UTF8.GetBytes(runId.AsSpan(i, 2), bytes)
                : char.IsSurrogate(c) ? 0 : System.Text.Encoding.UTF8.GetBytes(runId.AsSpan(i, 1), bytes);
            if (length == 0)
            {
                name.Append(CultureInfo.InvariantCulture, $"~u{(int)c:X4}");
                continue;
            }

            foreach (byte b in bytes[..length])
            {
                name.Append(CultureInfo.InvariantCulture, $"~{b:X2}");
            }
        }

        return name.ToString();
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is a plain file name of a version (no folder, no way out of it).</summary>
    public static string FileName(string name) =>
        name.Length > 0 && name == Path.GetFileName(name) && name is not ("." or "..")
            ? name
            : throw new ArgumentException($"'{name}' is not a file name of a checkpoint.");

    /// <summary>
    /// Which of a run's version names to delete when <paramref name="current"/> has just been
    /// recorded: versions older than the newest <paramref name="keep"/>, and other attempts at the
    /// current version. Names that are not versions are left alone.
    /// </summary>
    public static IEnumerable<string> Stale(IEnumerable<string> names, string current, int keep)
    {
        var versions = names
            .Select(name => (Name: name, Match: VersionPattern().Match(name)))
            .Where(v => v.Match.Success)
            .Select(v => (v.Name, Version: long.Parse(v.Match.Groups[1].Value, CultureInfo.InvariantCulture)))
            .ToList();
        if (versions.Count == 0)
        {
            return [];
        }

        long newest = versions.Max(v => v.Version);
        return versions.Where(v => v.Version <= newest - keep || (v.Version == newest && v.Name != current)).Select(v => v.Name).ToList();
    }

    /// <summary>Whether <paramref name="name"/> is a version's name as <see cref="Version"/> makes them.</summary>
    public static bool IsVersion(string name) => VersionPattern().IsMatch(name);

    [GeneratedRegex(@"^v(\d+)-[0-9a-f]{8}$")]
    private static partial Regex VersionPattern();
}
