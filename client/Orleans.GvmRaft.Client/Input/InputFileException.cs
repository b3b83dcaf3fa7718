namespace Orleans.GvmRaft.Client.Input;

/// <summary>A problem in an input file, located by its 1-based line number.</summary>
public sealed class InputFileException(string path, int line, string problem)
    : Exception($"{path}:{line}: {problem}")
{
    /// <summary>The file, as given on the command line.</summary>
    public string Path { get; } = path;

    /// <summary>1-based line number.</summary>
    public int Line { get; } = line;

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; } = problem;
}
