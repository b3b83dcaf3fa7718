using System.Text.Json;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Client.Runs;

/// <summary>
/// The files of a training run: <c>metrics.jsonl</c>, <c>allocations.jsonl</c>, <c>accuracy.svg</c>
/// and the final checkpoint in <c>checkpoint/</c>. Lines are flushed as they are written, so a run
/// that stops part-way leaves everything up to its last iteration.
/// </summary>
public sealed class RunFolder : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
    private readonly StreamWriter _metrics;
    private readonly StreamWriter _allocations;
    private readonly List<(long Samples, double Accuracy)> _curve = [];

    /// <summary>Creates (or empties) the folder.</summary>
    public RunFolder(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
        _metrics = new StreamWriter(System.IO.Path.Combine(Path, "metrics.jsonl"), append: false) { AutoFlush = true };
        _allocations = new StreamWriter(System.IO.Path.Combine(Path, "allocations.jsonl"), append: false) { AutoFlush = true };
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>The evaluated points so far.</summary>
    public IReadOnlyList<(long Samples, double Accuracy)> Curve => _curve;

    /// <summary>
    /// Appends one iteration's metrics and its allocation: the histogram (prompts per
    /// <see cref="AllocationHistogram.Bins"/> bin), the stage-2 rounds drawn, and the prompts whose
    /// responses were all accepted or all rejected.
    /// </summary>
    public void Record(IterationMetrics metrics, int[] histogram, int rounds = 0, int equalRewardGroups = 0)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(histogram);
        _metrics.WriteLine(JsonSerializer.Serialize(metrics, Json));
        var bins = AllocationHistogram.Bins.Zip(histogram).ToDictionary(b => b.First, b => b.Second);
        _allocations.WriteLine(JsonSerializer.Serialize(new { iteration = metrics.Iteration, histogram = bins, rounds, equalRewardGroups }, Json));
        if (metrics.EvalAccuracy is double accuracy)
        {
            _curve.Add((metrics.Samples, accuracy));
        }
    }

    /// <summary>Writes the accuracy plot.</summary>
    public void Finish(string title) =>
        File.WriteAllText(System.IO.Path.Combine(Path, "accuracy.svg"), AccuracyPlot.Render(title, [(title, _curve)]));

    /// <inheritdoc />
    public void Dispose()
    {
        _metrics.Dispose();
        _allocations.Dispose();
    }
}
