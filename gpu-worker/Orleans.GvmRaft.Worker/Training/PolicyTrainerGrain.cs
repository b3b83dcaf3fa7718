using Microsoft.Extensions.Logging;
using Orleans.GvmRaft.Placement;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Tasks;
using Orleans.GvmRaft.Policy.Training;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Worker.Presets;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Worker.Training;

/// <summary>The worker that trains one run's policy; placed on worker silos only.</summary>
[GrainType(PolicyTrainers.ModelTrainer)]
[WorkerPlacementFilter]
public sealed class PolicyTrainerGrain(
    [PersistentState("trainer", GvmStorage.Runs)] IPersistentState<TrainerState> state,
    IGrainFactory grains,
    ILogger<PolicyTrainerGrain> logger) : Grain, IPolicyTrainerGrain
{
    private const int UpdateBatch = 64;
    private Decoder? _model;
    private PolicyTrainer? _trainer;
    private List<(string Prompt, string Answer)>? _eval;

    private string RunId => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public async Task<PolicyUpdate> PrepareAsync(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (state.State.LastUpdate is { } done)
        {
            EnsureLoaded();
            return done;
        }

        var settings = config.PolicyOrDefault;
        logger.LogInformation("run {RunId}: warming up the {Preset} policy ({Steps} steps)", RunId, settings.Preset, settings.WarmupSteps);

        // Model work runs off the grain's scheduler (it takes seconds to minutes) and is awaited.
        var (model, nll, accuracy) = await Task.Run(() =>
        {
            var model = ArithmeticModel.Create(settings.Seed);
            double nll = ArithmeticPreset.Warmup(model, settings);
            return (model, nll, Evaluate(model, settings));
        });
        logger.LogInformation("run {RunId}: warm-up NLL {Nll:F3}, held-out accuracy {Accuracy:P1}", RunId, nll, accuracy);
        Adopt(config, model);
        var update = new PolicyUpdate(0, 0, null, accuracy);
        await SaveAsync(config, 0, update);
        return update;
    }

    /// <inheritdoc />
    public async Task<PolicyUpdate> UpdateAsync(int iteration, bool evaluate)
    {
        var config = state.State.Config ?? throw new InvalidOperationException($"run '{RunId}': the policy was never prepared.");
        if (state.State.Version == iteration && state.State.LastUpdate is { } done)
        {
            return done;
        }

        if (iteration != state.State.Version + 1)
        {
            throw new InvalidOperationException($"run '{RunId}': the policy is at version {state.State.Version}; it cannot make version {iteration}.");
        }

        EnsureLoaded();
        var responses = await grains.GetGrain<IRolloutQueueGrain>(RunId).GetResponsesAsync(iteration);
        var settings = config.PolicyOrDefault;
        var (examples, loss, accuracy) = await Task.Run(() =>
        {
            var examples = UpdateExamples.Build(config.Algorithm, responses, settings.PromptMeanUpdate);
            double? loss = UpdateExamples.Train(_trainer!, examples, UpdateBatch, new Random(HashCode.Combine(settings.Seed, iteration)));
            double? accuracy = evaluate ? Evaluate(_model!, settings) : null;
            return (examples.Count, loss, accuracy);
        });
        var update = new PolicyUpdate(iteration, examples, loss, accuracy);
        await SaveAsync(config, iteration, update);
        return update;
    }

    /// <inheritdoc />
    public Task<PolicyWeights> GetPolicyAsync()
    {
        var config = state.State.Config ?? throw new InvalidOperationException($"run '{RunId}': the policy was never prepared.");
        return Task.FromResult(new PolicyWeights(state.State.Version, config.PolicyOrDefault, state.State.Weights!));
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        DropModel();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    private double Evaluate(Decoder model, PolicySettings settings)
    {
        _eval ??= ArithmeticPreset.EvalSet(settings);
        return GreedyEvaluation.Accuracy(model, ArithmeticModel.Tokenizer, _eval, settings.MaxNewTokens);
    }

    // After a move to another silo the model comes back from the persisted weights.
    private void EnsureLoaded()
    {
        if (_model is not null)
        {
            return;
        }

        var config = state.State.Config!;
        var model = ArithmeticModel.Create(config.PolicyOrDefault.Seed);
        ParameterBytes.Import(model, state.State.Weights!);
        Adopt(config, model);
    }

    private void Adopt(RunConfig config, Decoder model)
    {
        _model = model;
        _trainer = new PolicyTrainer(model, new TrainingOptions(LearningRate: config.PolicyOrDefault.LearningRate, MaxGradNorm: 1.0));
    }

    // A version exists once it is stored. If the write fails, the state is the stored one again,
    // and the model in memory (trained past it) is dropped: the next call reloads the stored weights.
    private async Task SaveAsync(RunConfig config, long version, PolicyUpdate update)
    {
        byte[] weights = ParameterBytes.Export(_model!);
        try
        {
            await state.CommitAsync(this, s =>
            {
                s.Config = config;
                s.Version = version;
                s.Weights = weights;
                s.LastUpdate = update;
            });
        }
        catch
        {
            DropModel();
            throw;
        }
    }

    private void DropModel()
    {
        _trainer?.Dispose();
        _model?.Dispose();
        _trainer = null;
        _model = null;
    }
}
