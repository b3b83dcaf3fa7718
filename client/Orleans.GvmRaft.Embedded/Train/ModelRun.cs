using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Client.Runs;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Embedded.Train;

/// <summary>
/// A training run of a model directory of the user's own on their prompt file: the prompts are
/// imported into the run's prompt set and its held-out set, the run is created and started (its
/// trainer checks the model, tokenizer, chat template and every prompt's length first), and it is
/// watched into the run folder, final checkpoint included.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="Config">The run's configuration; its policy names the model directory.</param>
/// <param name="Train">The prompts RL trains on.</param>
/// <param name="Eval">The held-out prompts (none: no evaluation).</param>
/// <param name="Output">The run folder.</param>
public sealed record ModelRun(string RunId, RunConfig Config, IReadOnlyList<PromptDefinition> Train, IReadOnlyList<PromptDefinition> Eval, string Output)
{
    /// <summary>The prompt set of the training prompts.</summary>
    public static string TrainSet(string runId) => $"{runId}-train";

    /// <summary>The prompt set of the held-out prompts.</summary>
    public static string EvalSet(string runId) => $"{runId}-eval";

    /// <summary>
    /// Splits <paramref name="prompts"/> into training and held-out prompts: <paramref name="eval"/>
    /// when given, else a seeded draw of a tenth (at most <paramref name="maxHeldOut"/>) of them.
    /// </summary>
    public static (List<PromptDefinition> Train, List<PromptDefinition> Eval) Split(IReadOnlyList<PromptDefinition> prompts, IReadOnlyList<PromptDefinition>? eval, int seed, int maxHeldOut)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (eval is not null)
        {
            var held = eval.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
            return ([.. prompts.Where(p => !held.Contains(p.Id))], [.. eval]);
        }

        int count = prompts.Count < 10 ? 0 : Math.Min(maxHeldOut, prompts.Count / 10);
        List<PromptDefinition> shuffled = [.. prompts];
        new Random(seed).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(shuffled));
        var heldOut = shuffled.Take(count).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        return ([.. prompts.Where(p => !heldOut.Contains(p.Id))], [.. prompts.Where(p => heldOut.Contains(p.Id))]);
    }

    /// <summary>Runs to completion on <paramref name="grains"/>; <paramref name="onIteration"/> hears each iteration's metrics.</summary>
    public async Task<IReadOnlyList<IterationMetrics>> RunAsync(IGrainFactory grains, Action<IterationMetrics>? onIteration = null, Action<string>? log = null, CancellationToken cancellationToken = default, Action<Workers.TrainerJob>? onJob = null)
    {
        if (Train.Count == 0)
        {
            throw new ArgumentException("train: no prompts left to train on after the held-out split.");
        }

        var importer = new PromptImporter(grains);
        await importer.ImportAsync(Train, cancellationToken: cancellationToken, set: TrainSet(RunId));
        if (Eval.Count > 0)
        {
            await importer.ImportAsync(Eval, cancellationToken: cancellationToken, set: EvalSet(RunId));
        }

        var run = grains.GetGrain<ITrainingRunGrain>(RunId);
        await run.CreateAsync(Config);
        await run.StartAsync();
        log?.Invoke($"run {RunId} started: {Train.Count} training prompts, {Eval.Count} held out, {Config.Iterations} iterations");
        return await new RunWatcher(grains, RunId, Output, log, onJob).WatchAsync(onIteration, cancellationToken);
    }
}
