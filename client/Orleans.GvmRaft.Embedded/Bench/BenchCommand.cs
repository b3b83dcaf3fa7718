using System.CommandLine;
using System.Text.Json;
using Orleans.GvmRaft.Embedded.Hosting;
using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Runtime;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Embedded.Bench;

/// <summary>
/// <c>gvm-embedded bench pool</c>: a prompt pool and a driven run over it on an embedded silo;
/// <c>gvm-embedded bench generate</c>: generation and update throughput of a decoder shape.
/// </summary>
public static class BenchCommand
{
    /// <summary>Builds <c>bench</c> with its subcommands.</summary>
    public static Command Create() =>
        new("bench", "Benchmarks of the cluster and of the policy engine (the allocation core has BenchmarkDotNet benchmarks).") { Pool(), Generate(), OverheadCommand.Create() };

    private static Command Pool()
    {
        var poolPrompts = new Option<int>("--prompts") { Description = "Prompts in the pool.", DefaultValueFactory = _ => 1_000_000 };
        var batch = new Option<int>("--batch") { Description = "B, prompts per iteration.", DefaultValueFactory = _ => 1024 };
        var iterations = new Option<int>("--iterations") { Description = "Iterations timed.", DefaultValueFactory = _ => 5 };
        var workers = new Option<int>("--workers") { Description = "Synthetic workers serving the driven run (256-item claims each).", DefaultValueFactory = _ => 4 };
        var workerPoll = new Option<int>("--worker-poll-ms") { Description = "How long an idle synthetic worker waits before looking for work again.", DefaultValueFactory = _ => 2 };
        var tick = new Option<int>("--tick-ms") { Description = "The run's Gvm:Coordinator:TickPeriod: how often it looks at its queue.", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (prompts, storage, importPromptsPerSecond, iterationControlPlaneMs, recordReportsPerSecond, peakWorkingSetBytes, ...) instead of a table." };
        var pool = new Command("pool", "Import a pool of prompts into the chosen storage and time the import, the solve over the pool, recording reports into prompts and the control plane of iterations of a driven run over it, on an embedded silo.")
        {
            poolPrompts, batch, iterations, workers, workerPoll, tick, json,
        };
        var state = new EmbeddedStateOptions();
        state.AddTo(pool);
        pool.SetAction(async (result, cancellationToken) =>
        {
            var error = result.InvocationConfiguration.Error;
            int n = result.GetValue(poolPrompts), b = result.GetValue(batch), k = result.GetValue(iterations);
            if (n < 1 || b < 1 || b > n || k < 1 || result.GetValue(workers) < 1 || result.GetValue(workerPoll) < 1 || result.GetValue(tick) < 1)
            {
                error.WriteLine("gvm-embedded bench pool: need --prompts >= --batch >= 1, and --iterations, --workers, --worker-poll-ms and --tick-ms >= 1.");
                return 2;
            }

            try
            {
                var storage = state.Read(result);
                // The run looks at its queue every few ms, so an iteration's time is the system's work, not the wait for a tick.
                var settings = new Dictionary<string, string?> { ["Gvm:Coordinator:TickPeriod"] = TimeSpan.FromMilliseconds(result.GetValue(tick)).ToString() };
                await using var cluster = await EmbeddedSilo.StartAsync(cancellationToken, worker: false, storage, settings);
                var benchmark = new PoolBenchmark(cluster.Client, line => error.WriteLine(line), result.GetValue(workers), TimeSpan.FromMilliseconds(result.GetValue(workerPoll)));
                var r = await benchmark.RunAsync(n, b, k, storage.Storage.ToString(), cancellationToken);
                var output = result.InvocationConfiguration.Output;
                if (result.GetValue(json))
                {
                    output.WriteLine(JsonSerializer.Serialize(r, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
                    return 0;
                }

                output.WriteLine($"pool of {r.Prompts:N0} prompts, B = {r.Batch}, storage {r.Storage}, {r.Cores} cores");
                output.WriteLine("| figure | value |");
                output.WriteLine("| --- | ---: |");
                output.WriteLine(FormattableString.Invariant($"| import (prompts/s) | {r.ImportPromptsPerSecond:N0} ({r.ImportSeconds:N1} s) |"));
                output.WriteLine(FormattableString.Invariant($"| grains active after the import | {r.ActivationsAfterImport:N0} |"));
                output.WriteLine(FormattableString.Invariant($"| GVM solve over the whole pool (median of 5, ms) | {r.SolveMs:N1} |"));
                output.WriteLine(FormattableString.Invariant($"| recording {r.RecordedPrompts:N0} reports, prompts activated by them (reports/s) | {r.RecordColdReportsPerSecond:N0} |"));
                output.WriteLine(FormattableString.Invariant($"| recording {r.RecordedPrompts:N0} reports into active prompts (reports/s) | {r.RecordReportsPerSecond:N0} |"));
                output.WriteLine(FormattableString.Invariant($"| control plane of an iteration, driven run (median of {r.IterationMs.Count}, ms) | {r.IterationControlPlaneMs:N1} |"));
                output.WriteLine(FormattableString.Invariant($"| peak working set (MiB) | {r.PeakWorkingSetBytes / 1048576.0:N0} |"));
                return 0;
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"gvm-embedded bench pool: {e.Message}");
                return 2;
            }
        });
        return pool;
    }

    private static Command Generate()
    {
        var shape = new Option<string?>("--shape") { Description = $"Decoder shape with random weights: {string.Join(" or ", DecoderShapes.Names)} (default tiny)." };
        var config = new Option<string?>("--config") { Description = "A Hugging Face config.json whose shape to build instead of --shape." };
        var device = new Option<string>("--device") { Description = "cpu or cuda (cuda:N).", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string>("--dtype") { Description = "float32 or bfloat16.", DefaultValueFactory = _ => "float32" };
        var batch = new Option<int>("--batch") { Description = "Prompts generated for at once.", DefaultValueFactory = _ => 64 };
        var promptTokens = new Option<int>("--prompt-tokens") { Description = "Tokens of each random prompt.", DefaultValueFactory = _ => 128 };
        var newTokens = new Option<int>("--new-tokens") { Description = "New tokens generated after each prompt (no stop token).", DefaultValueFactory = _ => 256 };
        var trainBatch = new Option<int?>("--train-batch") { Description = "Generated sequences in the timed RAFT++ step (default 16, or --batch when smaller)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the weights, prompts and sampling.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var generate = new Command("generate", "Time batched generation and one RAFT++ step of a decoder with random weights of a given shape, on the CPU or a GPU.")
        {
            shape, config, device, dtype, batch, promptTokens, newTokens, trainBatch, seed, json,
        };
        generate.SetAction(result =>
        {
            var error = result.InvocationConfiguration.Error;
            int b = result.GetValue(batch), p = result.GetValue(promptTokens), n = result.GetValue(newTokens);
            int t = result.GetValue(trainBatch) ?? Math.Min(16, b);
            string? shapeName = result.GetValue(shape), configPath = result.GetValue(config);
            string deviceName = result.GetValue(device)!, dtypeName = result.GetValue(dtype)!;
            DecoderConfig decoderConfig;
            ScalarType scalarType;
            Device target;
            try
            {
                if (b < 1 || p < 1 || n < 1)
                {
                    throw new ArgumentException($"--batch, --prompt-tokens and --new-tokens must be >= 1 (got {b}, {p}, {n}).");
                }

                if (t < 1 || t > b)
                {
                    throw new ArgumentException($"--train-batch must be between 1 and --batch ({b}) (got {t}).");
                }

                if (shapeName is not null && configPath is not null)
                {
                    throw new ArgumentException("give --shape or --config, not both.");
                }

                decoderConfig = configPath is not null ? DecoderConfig.Load(configPath) : DecoderShapes.Named(shapeName ?? "tiny");
                if (p + n > decoderConfig.MaxPositions)
                {
                    throw new ArgumentException($"--prompt-tokens + --new-tokens ({p + n}) exceed the shape's {decoderConfig.MaxPositions} positions.");
                }

                scalarType = dtypeName switch
                {
                    "float32" => ScalarType.Float32,
                    "bfloat16" => ScalarType.BFloat16,
                    _ => throw new ArgumentException($"unknown dtype '{dtypeName}' (expected float32 or bfloat16)."),
                };
                target = TorchDevice.Resolve(deviceName);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException or IOException or JsonException)
            {
                error.WriteLine($"gvm-embedded bench generate: {e.Message}");
                return 2;
            }

            // Past the checks a failure is the engine's (out of memory, a bug), and keeps its stack trace.
            int s = result.GetValue(seed);
            manual_seed(s);
            using var model = new Decoder(decoderConfig, target, scalarType);
            var figures = new GenerationBenchmark(model, line => error.WriteLine(line)).Run(b, p, n, t, s);
            Print(result.InvocationConfiguration.Output, result.GetValue(json), figures, configPath ?? shapeName ?? "tiny", deviceName, dtypeName, b, p, n);
            return 0;
        });
        return generate;
    }

    private static void Print(TextWriter output, bool json, GenerationBenchmark.Result r, string shape, string device, string dtype, int batch, int promptTokens, int newTokens)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                shape,
                device,
                dtype,
                batch,
                promptTokens,
                newTokens,
                parameters = r.Parameters,
                generateSeconds = r.GenerateSeconds,
                newTokensPerSecond = r.NewTokensPerSecond,
                stepSeconds = r.StepSeconds,
                trainBatch = r.TrainSequences,
                trainTokens = r.TrainTokens,
                peakHostMemoryMiB = r.PeakHostMemoryMiB,
            }));
            return;
        }

        output.WriteLine(FormattableString.Invariant($"{shape} ({r.Parameters:N0} parameters, random weights), {device}, {dtype}: {batch} prompts of {promptTokens} tokens, {newTokens} new tokens each"));
        output.WriteLine("| figure | value | unit |");
        output.WriteLine("| --- | ---: | --- |");
        output.WriteLine(FormattableString.Invariant($"| generation, {r.NewTokens:N0} new tokens | {r.GenerateSeconds:N2} | s |"));
        output.WriteLine(FormattableString.Invariant($"| generation rate | {r.NewTokensPerSecond:N1} | new tokens/s |"));
        output.WriteLine(FormattableString.Invariant($"| RAFT++ step, {r.TrainSequences} sequences, {r.TrainTokens:N0} response tokens | {r.StepSeconds:N2} | s |"));
        output.WriteLine(FormattableString.Invariant($"| peak host memory of the process | {r.PeakHostMemoryMiB:N0} | MiB |"));
    }
}
