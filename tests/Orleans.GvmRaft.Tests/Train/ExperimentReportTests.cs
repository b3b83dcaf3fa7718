using System.Text.Json;
using Orleans.GvmRaft.Client.Runs;
using Orleans.GvmRaft.Embedded.Train;

namespace Orleans.GvmRaft.Tests.Train;

public sealed class ExperimentReportTests
{
    private static IterationMetrics M(int iteration, long samples, double? accuracy) => new(iteration, samples, 0, accuracy, 0, 0, 0);

    [Fact]
    public void ARunIsSummarisedFromItsEvaluations()
    {
        var run = ExperimentRun.From("gvm", 3, [M(0, 0, 0.5), M(1, 1000, null), M(2, 2000, 0.62), M(3, 3000, 0.71), M(4, 4000, 0.68)], target: 0.6);
        Assert.Equal(("gvm", 3, 0.5, 0.68, 0.71, (long?)2000, 4000L, 4), (run.Arm, run.Seed, run.StartAccuracy, run.FinalAccuracy, run.BestAccuracy, run.RolloutsToTarget, run.Rollouts, run.Iterations));
        Assert.Equal([(0, 0L, 0.5), (2, 2000L, 0.62), (3, 3000L, 0.71), (4, 4000L, 0.68)], run.Curve);

        var never = ExperimentRun.From("uniform", 3, [M(0, 0, 0.5), M(1, 1000, 0.55)], target: 0.6);
        Assert.Null(never.RolloutsToTarget);
        Assert.Throws<ArgumentException>(() => ExperimentRun.From("uniform", 3, [M(0, 0, null), M(1, 1000, 0.55)], target: 0.6));
    }

    [Fact]
    public void JsonHasTheTargetAndOneObjectPerRunWithNullWhereTheTargetWasMissed()
    {
        var runs = new[]
        {
            new ExperimentRun("uniform", 1, 0.25, 0.48, 0.5, 10240, 102400, 100),
            new ExperimentRun("gvm", 1, 0.25, 0.4, 0.41, null, 102400, 100),
        };
        using var json = JsonDocument.Parse(ExperimentReport.ToJson(0.45, runs));
        Assert.Equal(0.45, json.RootElement.GetProperty("target").GetDouble());
        var first = json.RootElement.GetProperty("runs")[0];
        Assert.Equal(
            ["arm", "seed", "startAccuracy", "finalAccuracy", "bestAccuracy", "rolloutsToTarget", "rollouts", "iterations", "stage1Rollouts", "stage2Rollouts", "promptsSkipped", "fromHistory"],
            first.EnumerateObject().Select(p => p.Name));
        Assert.Equal((10240L, 102400L, 100), (first.GetProperty("rolloutsToTarget").GetInt64(), first.GetProperty("rollouts").GetInt64(), first.GetProperty("iterations").GetInt32()));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("runs")[1].GetProperty("rolloutsToTarget").ValueKind);
    }

    [Fact]
    public void BootstrapIntervalsMatchWhatResamplingTwoValuesCanGive()
    {
        // Resampled means of {0, 1} are 0, 0.5 or 1 (probabilities 1/4, 1/2, 1/4): the 2.5th
        // percentile is 0 and the 97.5th is 1. A constant sample has a zero-width interval.
        Assert.Equal((0.5, 0.0, 1.0), Bootstrap.Mean([0, 1]));
        var constant = Bootstrap.Mean([0.75, 0.75, 0.75]);
        Assert.Equal((0.75, 0.75, 0.75), constant);

        // Paired: every seed of a costs twice its seed of b, so every resample's ratio is 2.
        Assert.Equal((2.0, 2.0, 2.0), Bootstrap.PairedRatio([20, 40, 60], [10, 20, 30]));
        Assert.Throws<ArgumentException>(() => Bootstrap.PairedRatio([1, 2], [1]));
    }

    [Fact]
    public void TheTableCountsMissedTargetsAsTheirRolloutsAndComparesEachArmWithUniform()
    {
        ExperimentRun[] runs =
        [
            new("uniform", 1, 0.5, 0.7, 0.72, 4000, 10000, 10),
            new("uniform", 2, 0.5, 0.6, 0.66, null, 10000, 10),
            new("gvm", 1, 0.5, 0.75, 0.76, 2000, 10000, 10),
            new("gvm", 2, 0.5, 0.7, 0.71, 5000, 10000, 10),
        ];
        string[] lines = ExperimentReport.Table(0.7, runs).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length);

        // uniform: (4000 + 10000) / 2 = 7000, a lower bound since seed 2 never got there.
        Assert.Contains("| ≥ 7000 [4000, 10000] | 1/2 | — |", lines[2], StringComparison.Ordinal);

        // gvm: (2000 + 5000) / 2 = 3500; paired speed-up 14000 / 7000 = 2.00.
        string percent(double v) => v.ToString("P1", System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith($"| gvm | 1 2 | {percent(0.5)} | {percent(0.725)} [{percent(0.7)}, {percent(0.75)}] | {percent(0.735)} | 3500 [2000, 5000] | 2/2 | ≥ 2.00× [2.00, 2.00] |", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public void SpeedUpsArePairedAgainstBothBaselinesAndALineageRunPaysForTheRunItStartsFrom()
    {
        // uniform-chunk costs 6000 and 8000; knapsack 3000 and 4000: 14000 / 7000 = 2.00 over it.
        // Final accuracy minus uniform's: +5 and +10 points, mean +7.5, resampled within [+5, +10].
        // The lineage run reached the target after 1000 of its own rollouts, after a gvm-history run
        // of 10000: its cost is 11000.
        ExperimentRun[] runs =
        [
            new("uniform", 1, 0.5, 0.70, 0.72, 4000, 10000, 10, 5000, 5000),
            new("uniform", 2, 0.5, 0.70, 0.72, 6000, 10000, 10, 5000, 5000),
            new("uniform-chunk", 1, 0.5, 0.70, 0.72, 6000, 10000, 5),
            new("uniform-chunk", 2, 0.5, 0.70, 0.72, 8000, 10000, 5),
            new("knapsack", 1, 0.5, 0.75, 0.76, 3000, 10000, 10, 640, 9360, 0, 500),
            new("knapsack", 2, 0.5, 0.80, 0.80, 4000, 10000, 10, 640, 9360, 0, 500),
            new("gvm-history", 1, 0.5, 0.70, 0.72, 5000, 10000, 10),
            new("gvm-history-lineage", 1, 0.5, 0.70, 0.72, 1000, 10000, 10),
        ];
        string[] lines = ExperimentReport.Table(0.7, runs).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string knapsack = Assert.Single(lines, l => l.StartsWith("| knapsack | 1 2 |", StringComparison.Ordinal));
        Assert.EndsWith("| 1.43× [1.33, 1.50] | 2.00× [2.00, 2.00] | +7.5 [+5.0, +10.0] points |", knapsack.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("| knapsack | 10000 | 640 | 9360 | 0 | 500 |", StringComparison.Ordinal));
        string lineage = Assert.Single(lines, l => l.StartsWith("| gvm-history-lineage | 1 |", StringComparison.Ordinal));
        Assert.Contains("| 11000 [11000, 11000] |", lineage, StringComparison.Ordinal);
        Assert.Equal(11000, ExperimentReport.WithEarlierRunsCounted(runs)[^1].RolloutsToTarget);
    }

    [Fact]
    public void MeanCurvesAverageEachSeedsLatestEvaluationOnACommonGrid()
    {
        // Seed 1 evaluates at 0, 1500, 3100 rollouts; seed 2 at 0, 1700, 2900, 4000. The grid is
        // every x up to 3100 (seed 1's end): at 1500 seed 2 still counts its start (0.6), at 1700
        // seed 1 counts its 1500 point, and so on.
        var a = ExperimentRun.From("ada", 1, [M(0, 0, 0.4), M(2, 1500, 0.6), M(4, 3100, 0.8)], 0.9);
        var b = ExperimentRun.From("ada", 2, [M(0, 0, 0.6), M(2, 1700, 0.7), M(4, 2900, 0.5), M(6, 4000, 0.7)], 0.9);
        var curve = ExperimentReport.MeanCurve([a, b], byIteration: false);
        Assert.Equal([0L, 1500L, 1700L, 2900L, 3100L], curve.Select(p => p.X));
        Assert.Equal([0.5, 0.6, 0.65, 0.55, 0.65], curve.Select(p => Math.Round(p.Accuracy, 12)));
        Assert.Equal([(0L, 0.5), (2L, 0.65), (4L, 0.65)], ExperimentReport.MeanCurve([a, b], byIteration: true).Select(p => (p.X, Math.Round(p.Accuracy, 12))));
    }

    [Fact]
    public void RunsAreReadBackFromTheirFolders()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"gvm-experiment-{Guid.NewGuid():N}");
        try
        {
            WriteRun(folder, "gvm-s2", [M(0, 0, 0.5), M(1, 1024, 0.72)]);
            WriteRun(folder, "uniform-s2", [M(0, 0, 0.5), M(1, 1024, 0.6), M(2, 2048, 0.71)]);
            WriteRun(folder, "gvm-chunk-s1", [M(0, 0, 0.4), M(1, 8192, 0.75)]);
            Directory.CreateDirectory(Path.Combine(folder, "notes"));

            var runs = ExperimentReport.Read(folder, target: 0.7);
            Assert.Equal([("uniform", 2, (long?)2048), ("gvm", 2, 1024), ("gvm-chunk", 1, 8192)], runs.Select(r => (r.Arm, r.Seed, r.RolloutsToTarget)));
            Assert.Throws<ArgumentException>(() => ExperimentReport.Read(Path.Combine(folder, "notes"), 0.7));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void WriteRun(string folder, string name, IterationMetrics[] metrics)
    {
        Directory.CreateDirectory(Path.Combine(folder, name));
        using var run = new RunFolder(Path.Combine(folder, name));
        foreach (var m in metrics)
        {
            run.Record(m, new int[8]);
        }
    }
}
