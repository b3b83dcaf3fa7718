using System.Diagnostics;
using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Sampling;
using Orleans.GvmRaft.Policy.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Embedded.Bench;

/// <summary>
/// The throughput of the policy engine on a decoder of a given shape: batched generation with the
/// key-value cache, as a rollout worker draws, and one RAFT++ update on what it drew, as the trainer
/// takes it. The weights are random: the speed of a shape does not depend on its values, and no
/// checkpoint has to be at hand. No stop token is set, so every sequence runs to the end and the
/// token count is exact.
/// </summary>
public sealed class GenerationBenchmark(Decoder model, Action<string> log)
{
    // Enough steps to run every kernel of prefill and decoding once, few enough to cost little.
    private const int WarmUpTokens = 4;

    /// <summary>What one run measured.</summary>
    /// <param name="Parameters">Parameters of the model.</param>
    /// <param name="GenerateSeconds">Wall time of the timed generation round.</param>
    /// <param name="NewTokens">Tokens it generated, over all sequences.</param>
    /// <param name="StepSeconds">Wall time of the timed RAFT++ step.</param>
    /// <param name="TrainSequences">Sequences in that step.</param>
    /// <param name="TrainTokens">Response tokens in that step.</param>
    /// <param name="PeakHostMemoryMiB">The process's peak working set when the run ended (host memory; device memory is not exposed).</param>
    public sealed record Result(long Parameters, double GenerateSeconds, long NewTokens, double StepSeconds, int TrainSequences, long TrainTokens, double PeakHostMemoryMiB)
    {
        /// <summary>Generated tokens per second of the timed round.</summary>
        public double NewTokensPerSecond => NewTokens / GenerateSeconds;
    }

    /// <summary>
    /// Generates <paramref name="newTokens"/> tokens after each of <paramref name="batch"/> random
    /// prompts of <paramref name="promptTokens"/> tokens, after an untimed warm-up round, then times
    /// one RAFT++ step on the first <paramref name="trainBatch"/> sequences.
    /// </summary>
    public Result Run(int batch, int promptTokens, int newTokens, int trainBatch, int seed)
    {
        var random = new Random(seed);
        int[][] prompts = [.. Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, promptTokens).Select(_ => random.Next(model.Config.VocabSize)).ToArray())];
        var sampler = new Sampler(model);
        var options = new SamplingOptions(MaxNewTokens: newTokens, Temperature: 1.0, Seed: (ulong)seed);

        log($"warm-up: {batch} prompts, {Math.Min(WarmUpTokens, newTokens)} new tokens");
        sampler.Generate(prompts, options with { MaxNewTokens = Math.Min(WarmUpTokens, newTokens) });
        Synchronize();

        log($"generating: {batch} prompts of {promptTokens} tokens, {newTokens} new tokens each");
        var clock = Stopwatch.StartNew();
        var generations = sampler.Generate(prompts, options);
        Synchronize();
        double generateSeconds = clock.Elapsed.TotalSeconds;
        long generated = generations.Sum(g => (long)g.Tokens.Length);

        // A tiny learning rate: the step's cost does not depend on it, and the weights are thrown away.
        using var trainer = new PolicyTrainer(model, new TrainingOptions(LearningRate: 1e-7));
        var examples = Enumerable.Range(0, trainBatch)
            .Select(i => new PolicyExample(new ScoredSequence(prompts[i], generations[i].Tokens), 1.0))
            .ToList();

        // An untimed step on one short sequence first: it allocates AdamW's state and loads the
        // backward kernels, which a run's trainer has done before its second iteration.
        log("warm-up: one RAFT++ step on one sequence");
        trainer.Step([new PolicyExample(new ScoredSequence(prompts[0], generations[0].Tokens[..1]), 1.0)]);
        Synchronize();

        log($"training: one RAFT++ step on {trainBatch} sequences");
        clock.Restart();
        var metrics = trainer.Step(examples);
        Synchronize();
        double stepSeconds = clock.Elapsed.TotalSeconds;

        long parameters = model.parameters().Sum(p => p.numel());
        double peak = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
        return new Result(parameters, generateSeconds, generated, stepSeconds, trainBatch, metrics.Tokens, peak);
    }

    // Work queued on a GPU finishes asynchronously; the clock must not stop before it has.
    private void Synchronize()
    {
        if (model.Device.type == DeviceType.CUDA)
        {
            cuda.synchronize(model.Device);
        }
    }
}
