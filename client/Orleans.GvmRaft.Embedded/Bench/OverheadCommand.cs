using System.CommandLine;
using System.Text.Json;
using Orleans.GvmRaft.Embedded.Train;
using Orleans.GvmRaft.Silo.Backends;

namespace Orleans.GvmRaft.Embedded.Bench;

/// <summary>
/// <c>gvm-embedded bench overhead</c>: the main job's iterations through the system and as a bare
/// in-process loop over the same compute, and the ratio of their wall times.
/// </summary>
public static class OverheadCommand
{
    // The arms the bare loop can run: one allocation per iteration, no online rounds or reuse.
    private static readonly string[] Arms = ["gvm-chunk", "gvm", "uniform"];

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var defaults = new TrainSettings();
        var storage = new Option<string>("--storage") { Description = "Grain state of the system's run: Sqlite (a fresh file, as the main job keeps state) or Memory.", DefaultValueFactory = _ => "Sqlite" };
        var iterations = new Option<int>("--iterations") { Description = "Iterations timed on each path.", DefaultValueFactory = _ => 2 };
        // The bare loop has no prompt grains to read history from, so the main job's own arm
        // (gvm-history) is measured by its history-free counterpart's compute.
        var allocator = new Option<string>("--allocator") { Description = $"The arm: {string.Join(", ", Arms)}.", DefaultValueFactory = _ => Arms[0] };
        var batch = new Option<int>("--batch-size") { Description = $"B before the arm applies (gvm-chunk makes it {AllocatorArm.ChunkPrompts}).", DefaultValueFactory = _ => defaults.BatchSize };
        var stage1 = new Option<int>("--stage1-samples") { Description = "n0.", DefaultValueFactory = _ => defaults.Stage1Samples };
        var budget = new Option<int>("--budget") { Description = "N before the arm applies (gvm-chunk scales it with B).", DefaultValueFactory = _ => defaults.Budget };
        var trainPrompts = new Option<int>("--train-prompts") { Description = "Size of the prompt pool.", DefaultValueFactory = _ => defaults.TrainPrompts };
        var evalPrompts = new Option<int>("--eval-prompts") { Description = "Held-out problems evaluated after every iteration.", DefaultValueFactory = _ => defaults.EvalPrompts };
        var warmup = new Option<int>("--warmup-steps") { Description = "Supervised warm-up steps before RL (trained once, untimed, shared by both paths).", DefaultValueFactory = _ => defaults.WarmupSteps };
        var seed = new Option<int>("--seed") { Description = "Seed of problems, model, sampling and batches.", DefaultValueFactory = _ => defaults.Seed };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (storage, iterations, systemSecondsPerIteration, bareSecondsPerIteration, systemOverBare, system, bare, ...) instead of a table." };
        var command = new Command("overhead", "Run the main job's iterations through the system (embedded silo, queue, prompt grains, rollout worker, trainer job) and as a bare in-process loop over the same compute classes, settings and seeds, and compare their wall time per iteration.")
        {
            storage, iterations, allocator, batch, stage1, budget, trainPrompts, evalPrompts, warmup, seed, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var error = result.InvocationConfiguration.Error;
            TrainSettings settings;
            StorageKind kind;
            try
            {
                kind = result.GetValue(storage)!.Trim().ToLowerInvariant() switch
                {
                    "sqlite" => StorageKind.Sqlite,
                    "memory" => StorageKind.Memory,
                    var other => throw new ArgumentException($"--storage must be Sqlite or Memory (got '{other}')."),
                };
                string armName = result.GetValue(allocator)!;
                if (!Arms.Contains(armName.Trim(), StringComparer.OrdinalIgnoreCase))
                {
                    throw new ArgumentException($"--allocator must be one of {string.Join(", ", Arms)} (got '{armName}'): the bare loop has no online rounds or stage-1 reuse.");
                }

                int k = result.GetValue(iterations);
                if (k < 1)
                {
                    throw new ArgumentException($"--iterations must be >= 1 (got {k}).");
                }

                var arm = AllocatorArm.Parse(armName);
                var preset = defaults with
                {
                    Seed = result.GetValue(seed),
                    BatchSize = result.GetValue(batch),
                    Stage1Samples = result.GetValue(stage1),
                    Budget = result.GetValue(budget),
                    TrainPrompts = result.GetValue(trainPrompts),
                    EvalPrompts = result.GetValue(evalPrompts),
                    WarmupSteps = result.GetValue(warmup),
                    Arm = arm.Name,
                };

                // The arm shapes the iteration; the bench then times the iterations asked for, each evaluated as the main job's are.
                settings = arm.Apply(preset) with { Iterations = k, EvalEvery = 1 };
                settings.Validate();
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"gvm-embedded bench overhead: {e.Message.Replace("train: ", "", StringComparison.Ordinal)}");
                return 2;
            }

            var r = await new OverheadBenchmark(kind, settings, line => error.WriteLine(line)).RunAsync(cancellationToken);
            Print(result.InvocationConfiguration.Output, result.GetValue(json), r);
            return 0;
        });
        return command;
    }

    private static void Print(TextWriter output, bool json, OverheadResult r)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(r, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
            return;
        }

        output.WriteLine(FormattableString.Invariant($"{r.Arm}, B = {r.BatchSize}, N = {r.Budget}, {r.Iterations} iterations each, system on {r.Storage} storage, {r.Cores} cores"));
        output.WriteLine("| seconds per iteration | system | bare loop | system / bare |");
        output.WriteLine("| --- | ---: | ---: | ---: |");
        Row("sampling (both stages)", r.System.Sampling, r.Bare.Sampling);
        Row("training (update, evaluation)", r.System.Training, r.Bare.Training);
        Row("the rest", r.System.Rest, r.Bare.Rest);
        Row("**iteration**", r.SystemSecondsPerIteration, r.BareSecondsPerIteration);
        output.WriteLine();
        output.WriteLine("| of which model work (s per iteration) | system | bare loop |");
        output.WriteLine("| --- | ---: | ---: |");
        foreach (string part in r.SystemCompute.Keys.Union(r.BareCompute.Keys).Order(StringComparer.Ordinal))
        {
            output.WriteLine(FormattableString.Invariant($"| {part} | {Seconds(r.SystemCompute, part)} | {Seconds(r.BareCompute, part)} |"));
        }

        output.WriteLine();
        output.WriteLine(FormattableString.Invariant($"rollouts: system {r.SystemRollouts:N0}, bare loop {r.BareRollouts:N0}"));
        output.WriteLine(FormattableString.Invariant($"systemOverBare = {r.SystemOverBare:F3}"));

        static string Seconds(IReadOnlyDictionary<string, double> parts, string part) =>
            parts.TryGetValue(part, out double s) ? s.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) : "-";

        void Row(string name, double system, double bare) =>
            output.WriteLine(FormattableString.Invariant($"| {name} | {system:F2} | {bare:F2} | {(bare > 0 ? $"{system / bare:F2}" : "-")} |"));
    }
}
