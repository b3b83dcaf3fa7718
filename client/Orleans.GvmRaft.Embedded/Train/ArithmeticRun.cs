using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Client.Runs;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Worker.Presets;

namespace Orleans.GvmRaft.Embedded.Train;

/// <summary>
/// One training run of the arithmetic preset on a cluster with at least one worker silo: import
/// the run's prompts into its prompt set, create and start the run (its grain drives the
/// iterations), and watch it into the run folder.
/// </summary>
public sealed class ArithmeticRun(IGrainFactory grains, TrainSettings settings, Action<string>? log = null, Action<Workers.TrainerJob>? onJob = null)
{
    /// <summary>Runs to completion; <paramref name="onIteration"/> hears each iteration's metrics.</summary>
    public async Task<IReadOnlyList<IterationMetrics>> RunAsync(Action<IterationMetrics>? onIteration = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var prompts = ArithmeticPreset.Problems(settings.TrainPrompts, settings.Seed, settings.PromptSet);
        await new PromptImporter(grains).ImportAsync(
            [.. prompts.Select(p => new PromptDefinition(p.Id, p.Text, p.Answer, VerifierKinds.Exact))],
            cancellationToken: cancellationToken,
            set: settings.PromptSet);

        var run = grains.GetGrain<ITrainingRunGrain>(settings.RunId);
        await run.CreateAsync(settings.ToRunConfig());
        await run.StartAsync();
        log?.Invoke($"run {settings.RunId} started: warm-up, then {(settings.MaxRollouts > 0 ? $"iterations until {settings.MaxRollouts} rollouts" : $"{settings.Iterations} iterations")}");
        return await new RunWatcher(grains, settings.RunId, settings.Output, log, onJob).WatchAsync(onIteration, cancellationToken);
    }
}
