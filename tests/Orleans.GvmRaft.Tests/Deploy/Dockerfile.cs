namespace Orleans.GvmRaft.Tests.Deploy;

/// <summary>The instructions of one Dockerfile that the tests check, continuation lines joined.</summary>
/// <param name="Path">The file.</param>
/// <param name="Instructions">Each instruction: its keyword (upper case) and the rest of it.</param>
public sealed record Dockerfile(string Path, IReadOnlyList<(string Keyword, string Arguments)> Instructions)
{
    /// <summary>The arguments of every instruction with <paramref name="keyword"/>.</summary>
    public IEnumerable<string> All(string keyword) => Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);

    /// <summary>The ENV values of the final stage, by name.</summary>
    public IReadOnlyDictionary<string, string> Environment =>
        FinalStage().Where(i => i.Keyword == "ENV")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    /// <summary>The instructions after the last FROM: what the image is made of.</summary>
    public IEnumerable<(string Keyword, string Arguments)> FinalStage() =>
        Instructions.Skip(Instructions.Select((i, n) => (i.Keyword, n)).Last(x => x.Keyword == "FROM").n);

    /// <summary>Reads <paramref name="path"/>.</summary>
    public static Dockerfile Parse(string path)
    {
        var instructions = new List<(string, string)>();
        string? pending = null;
        foreach (string raw in File.ReadLines(path))
        {
            string line = raw.Trim();
            if (pending is null && (line.Length == 0 || line.StartsWith('#')))
            {
                continue;
            }

            bool continues = line.EndsWith('\\');
            pending = pending is null ? line.TrimEnd('\\').Trim() : $"{pending} {line.TrimEnd('\\').Trim()}";
            if (!continues)
            {
                int space = pending.IndexOf(' ', StringComparison.Ordinal);
                instructions.Add((pending[..space].ToUpperInvariant(), pending[(space + 1)..].Trim()));
                pending = null;
            }
        }

        return new Dockerfile(path, instructions);
    }
}
