using System.Globalization;
using System.Text;
using System.Text.Json;
using Orleans.GvmRaft.Client.Runs;

namespace Orleans.GvmRaft.Embedded.Train;

/// <summary>
/// What an experiment found, per arm over its seeds: final accuracy and rollouts to the target as
/// means with 95 % bootstrap intervals, and each arm's speed-up over uniform (paired by seed);
/// plus the mean curves against cumulative rollouts and against iterations.
/// </summary>
public static class ExperimentReport
{
    /// <summary>The arm every speed-up is measured against.</summary>
    public const string Baseline = "uniform";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary>The object <c>experiment --json</c> prints: the target and every run.</summary>
    public static string ToJson(double target, IReadOnlyList<ExperimentRun> runs) =>
        JsonSerializer.Serialize(new { target, runs }, Json);

    /// <summary>The second baseline: uniform sampling with the chunked iteration, which separates structure from allocation.</summary>
    public const string ChunkBaseline = "uniform-chunk";

    /// <summary>
    /// The table, in Markdown. A run that never reached the target counts with all its rollouts
    /// (a lower bound: it needs more), and the table says how many did reach it; a speed-up
    /// over such runs is marked as the bound it is (≥, ≤, or ~ when both arms missed). Speed-ups
    /// and the final-accuracy difference are paired by seed against each baseline present.
    /// </summary>
    public static string Table(double target, IReadOnlyList<ExperimentRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        runs = WithEarlierRunsCounted(runs);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| arm | seeds | accuracy at RL start | final accuracy [95 % CI] | best | rollouts to {target:P0} [95 % CI] | reached | speed-up over {Baseline} [95 % CI] | speed-up over {ChunkBaseline} [95 % CI] | final − {Baseline} [95 % CI] |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var uniform = runs.Where(r => r.Arm == Baseline).ToDictionary(r => r.Seed);
        var chunk = runs.Where(r => r.Arm == ChunkBaseline).ToDictionary(r => r.Seed);
        foreach (var arm in runs.GroupBy(r => r.Arm))
        {
            var list = arm.OrderBy(r => r.Seed).ToList();
            var final = Bootstrap.Mean([.. list.Select(r => r.FinalAccuracy)]);
            var cost = Bootstrap.Mean([.. list.Select(Cost)]);
            int reached = list.Count(r => r.RolloutsToTarget is not null);
            string difference = "—";
            var paired = list.Where(r => uniform.ContainsKey(r.Seed)).ToList();
            if (arm.Key != Baseline && paired.Count > 0)
            {
                var d = Bootstrap.PairedDifference([.. paired.Select(r => r.FinalAccuracy)], [.. paired.Select(r => uniform[r.Seed].FinalAccuracy)]);
                difference = FormattableString.Invariant($"{d.Mean * 100:+0.0;-0.0} [{d.Low * 100:+0.0;-0.0}, {d.High * 100:+0.0;-0.0}] points");
            }

            string bound = reached < list.Count ? "≥ " : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {arm.Key} | {string.Join(" ", list.Select(r => r.Seed))} | {list.Average(r => r.StartAccuracy):P1} | {final.Mean:P1} [{final.Low:P1}, {final.High:P1}] | {list.Average(r => r.BestAccuracy):P1} | {bound}{cost.Mean:F0} [{cost.Low:F0}, {cost.High:F0}] | {reached}/{list.Count} | {SpeedUp(arm.Key, Baseline, list, uniform)} | {SpeedUp(arm.Key, ChunkBaseline, list, chunk)} | {difference} |");
        }

        text.AppendLine();
        text.AppendLine("| arm | rollouts (mean) | stage 1 | stage 2 | prompts skipped | estimates from history |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var arm in runs.GroupBy(r => r.Arm))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {arm.Key} | {arm.Average(r => r.Rollouts):F0} | {arm.Average(r => r.Stage1Rollouts):F0} | {arm.Average(r => r.Stage2Rollouts):F0} | {arm.Average(r => r.PromptsSkipped):F0} | {arm.Average(r => r.FromHistory):F0} |");
        }

        return text.ToString();
    }

    /// <summary>
    /// The runs as their cost counts them: a <c>gvm-history-lineage</c> run starts from the
    /// statistics of the seed's <c>gvm-history</c> run, so that run's rollouts are added to its
    /// rollouts and to its rollouts to the target.
    /// </summary>
    public static IReadOnlyList<ExperimentRun> WithEarlierRunsCounted(IReadOnlyList<ExperimentRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var first = runs.Where(r => r.Arm == "gvm-history").ToDictionary(r => r.Seed);
        return [.. runs.Select(r => r.Arm == AllocatorArm.LineageArm && first.TryGetValue(r.Seed, out var earlier)
            ? r with { Rollouts = r.Rollouts + earlier.Rollouts, RolloutsToTarget = r.RolloutsToTarget + earlier.Rollouts }
            : r)];
    }

    // The baseline's rollouts to target over the arm's, paired by seed, with its interval; "—" for
    // the baseline itself or when no seed pairs.
    private static string SpeedUp(string arm, string baselineArm, List<ExperimentRun> list, Dictionary<int, ExperimentRun> baseline)
    {
        var paired = list.Where(r => baseline.ContainsKey(r.Seed)).ToList();
        if (arm == baselineArm || paired.Count == 0 || !paired.All(r => Cost(r) > 0))
        {
            return "—";
        }

        var ratio = Bootstrap.PairedRatio([.. paired.Select(r => Cost(baseline[r.Seed]))], [.. paired.Select(Cost)]);

        // A missed target counts with all its rollouts, which understates that run's cost: the
        // ratio is then a bound, not an estimate.
        bool baselineMissed = paired.Any(r => baseline[r.Seed].RolloutsToTarget is null);
        bool armMissed = paired.Any(r => r.RolloutsToTarget is null);
        string ratioBound = (baselineMissed, armMissed) switch
        {
            (true, false) => "≥ ",
            (false, true) => "≤ ",
            (true, true) => "~ ",
            _ => "",
        };
        return FormattableString.Invariant($"{ratioBound}{ratio.Ratio:F2}× [{ratio.Low:F2}, {ratio.High:F2}]");
    }

    /// <summary>
    /// The runs of an experiment folder, read back from each run folder's <c>metrics.jsonl</c>
    /// (folders are named <c>{arm}-s{seed}</c>), in arm order then seed order.
    /// </summary>
    /// <exception cref="ArgumentException">The folder holds no run folder of a known arm.</exception>
    public static List<ExperimentRun> Read(string folder, double target)
    {
        // Arms in their listed order, each arm's seeds in order: the order the experiment runs them in reports.
        var runs = new List<ExperimentRun>();
        foreach (var arm in AllocatorArm.All)
        {
            var seeds = Directory.Exists(folder) ? Directory.GetDirectories(folder, $"{arm.Name}-s*") : [];
            var found = new List<ExperimentRun>();
            foreach (string runFolder in seeds)
            {
                if (int.TryParse(Path.GetFileName(runFolder).AsSpan(arm.Name.Length + 2), NumberStyles.None, CultureInfo.InvariantCulture, out int seed)
                    && ReadMetrics(runFolder) is { } lines)
                {
                    found.Add(ExperimentRun.From(arm.Name, seed, lines, target));
                }
            }

            runs.AddRange(found.OrderBy(r => r.Seed));
        }

        return runs.Count > 0
            ? runs
            : throw new ArgumentException($"{folder} holds no run folder of an arm ({AllocatorArm.Names}) with a metrics.jsonl.");
    }

    /// <summary>A run folder's <c>metrics.jsonl</c>, one line per iteration; null when it has none.</summary>
    public static List<IterationMetrics>? ReadMetrics(string runFolder)
    {
        string metrics = Path.Combine(runFolder, "metrics.jsonl");
        return File.Exists(metrics)
            ? [.. File.ReadLines(metrics).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<IterationMetrics>(l, Json)!)]
            : null;
    }

    /// <summary>Writes <c>runs.json</c>, <c>table.md</c>, <c>accuracy-rollouts.svg</c> and <c>accuracy-iterations.svg</c> into <paramref name="folder"/>.</summary>
    public static void Write(string folder, double target, IReadOnlyList<ExperimentRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "runs.json"), ToJson(target, runs));
        File.WriteAllText(Path.Combine(folder, "table.md"), Table(target, runs));
        int seeds = runs.Select(r => r.Seed).Distinct().Count();
        File.WriteAllText(Path.Combine(folder, "accuracy-rollouts.svg"), AccuracyPlot.Render(
            $"held-out accuracy, mean of {seeds} seeds",
            [.. runs.GroupBy(r => r.Arm).Select(g => (g.Key, MeanCurve(g.ToList(), byIteration: false)))]));
        File.WriteAllText(Path.Combine(folder, "accuracy-iterations.svg"), AccuracyPlot.Render(
            $"held-out accuracy, mean of {seeds} seeds",
            [.. runs.GroupBy(r => r.Arm).Select(g => (g.Key, MeanCurve(g.ToList(), byIteration: true)))],
            "iterations"));
    }

    /// <summary>
    /// An arm's mean curve over its seeds on a common grid: at every x where some seed evaluated
    /// (cumulative rollouts, or the iteration), each seed counts with its latest evaluation at or
    /// before x, up to the smallest final x of any seed. Arms whose iterations cost different
    /// amounts evaluate at different rollouts on each seed; the step function lets them be averaged.
    /// </summary>
    public static IReadOnlyList<(long X, double Accuracy)> MeanCurve(IReadOnlyList<ExperimentRun> runs, bool byIteration)
    {
        ArgumentNullException.ThrowIfNull(runs);
        long XOf((int Iteration, long Rollouts, double Accuracy) point) => byIteration ? point.Iteration : point.Rollouts;
        long end = runs.Min(r => XOf(r.Curve[^1]));
        var grid = runs.SelectMany(r => r.Curve.Select(XOf)).Where(x => x <= end).Distinct().Order();
        return [.. grid.Select(x => (x, runs.Average(r => r.Curve.Last(p => XOf(p) <= x).Accuracy)))];
    }

    private static double Cost(ExperimentRun run) => run.RolloutsToTarget ?? run.Rollouts;
}
