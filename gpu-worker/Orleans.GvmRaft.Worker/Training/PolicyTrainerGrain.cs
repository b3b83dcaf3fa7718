using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.GvmRaft.Placement;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Policy.Training;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Worker.Checkpoints;
using Orleans.GvmRaft.Worker.Policies;
using Orleans.GvmRaft.Worker.Presets;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Worker.Training;

/// <summary>
/// The worker that trains one run's policy; placed on worker silos only. Every version it makes
/// goes to the checkpoint store (weights, tokenizer files, optimiser state); its grain state
/// records only where.
/// </summary>
[GrainType(PolicyTrainers.ModelTrainer)]
[WorkerPlacementFilter]
public sealed class PolicyTrainerGrain(
    [PersistentState("trainer", GvmStorage.Runs)] IPersistentState<TrainerState> state,
    IGrainFactory grains,
    ICheckpointStore store,
    IOptions<CheckpointOptions> checkpointOptions,
    WarmupCache warmups,
    ILogger<PolicyTrainerGrain> logger) : Grain, IPolicyTrainerGrain
{
    private const int MaxReadBytes = 16 << 20;
    private readonly CheckpointOptions _checkpoints = checkpointOptions.Value;
    private VersionWriter? _writer;
    private PolicyTrainer? _trainer;
    private PolicyTaskData? _data;

    private string RunId => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public async Task ValidateAsync(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var settings = config.PolicyOrDefault;
        var prompts = config.PromptSet is { } set ? await PolicyTasks.ReadSetAsync(grains, set, "promptSet") : [];
        var data = await PolicyTasks.LoadAsync(grains, settings);
        await Task.Run(() =>
        {
            string scratch = Path.Combine(Path.GetTempPath(), $"gvm-validate-{Guid.NewGuid():N}");
            try
            {
                var (directory, formatter, _) = LoadedPolicy.Check(VersionWriter.Source(settings, scratch), settings);
                var unfit = prompts.Select(p => (p.Id, p.Text)).Concat(data.Eval.Select((p, i) => ($"{settings.EvalSet}#{i}", p.Prompt)))
                    .Select(p => LoadedPolicy.Unfit(directory, formatter, p.Item1, p.Item2, settings.MaxNewTokens))
                    .OfType<string>()
                    .ToList();
                if (unfit.Count > 0)
                {
                    throw new ArgumentException($"run configuration: {unfit[0]}{(unfit.Count > 1 ? $" (and {unfit.Count - 1} more prompts)" : "")}.");
                }
            }
            catch (InvalidDataException e)
            {
                throw new ArgumentException($"run configuration: policy: {e.Message}", e);
            }
            finally
            {
                if (Directory.Exists(scratch))
                {
                    Directory.Delete(scratch, recursive: true);
                }
            }
        });
    }

    /// <inheritdoc />
    public async Task<PolicyUpdate> PrepareAsync(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (state.State.LastUpdate is { } done)
        {
            await EnsureLoadedAsync();
            return done;
        }

        var settings = config.PolicyOrDefault;
        var data = await PolicyTasks.LoadAsync(grains, settings);
        logger.LogInformation("run {RunId}: preparing the {Preset} policy ({Steps} warm-up steps)", RunId, settings.Preset, data.WarmupSteps);

        // Model work runs off the grain's scheduler (it takes seconds to minutes) and is awaited.
        var (writer, trainer, checkpoint, accuracy) = await Task.Run(() =>
        {
            string staging = store.CreateStaging(RunId, 0);
            var writer = new VersionWriter(store, RunId, _checkpoints.ShardBytes, LoadedPolicy.Open(VersionWriter.Source(settings, staging), settings, training: true));
            var policy = writer.Policy;
            if (data.WarmupSteps > 0)
            {
                // The arithmetic warm-up is the same for every run of one seed: kept, it is trained once.
                string? key = settings.Preset == PolicySettings.Arithmetic && settings.Model is null ? WarmupCache.KeyOf(settings) : null;
                double? kept = key is null ? null : warmups.TryRestore(key, policy.Model);
                double nll = kept ?? SupervisedWarmup.Run(
                    policy.Model,
                    policy.Tokenizer,
                    [.. data.Warmup.Select(e => (policy.Formatter.Format(e.Prompt), e.Answer))],
                    data.WarmupSteps,
                    data.WarmupBatch,
                    new TrainingOptions(LearningRate: data.WarmupLearningRate),
                    settings.Seed);
                if (key is not null && kept is null)
                {
                    warmups.Store(key, policy.Model, nll);
                }

                logger.LogInformation("run {RunId}: warm-up NLL {Nll:F3}{Kept}", RunId, nll, kept is null ? "" : " (kept from an earlier run)");
            }

            var trainer = new PolicyTrainer(policy.Model, Options(settings));
            double? accuracy = Evaluate(policy, data);
            return (writer, trainer, writer.Publish(0, trainer, staging), accuracy);
        });
        logger.LogInformation("run {RunId}: version 0 stored at {Location}, held-out accuracy {Accuracy:P1}", RunId, checkpoint.Location, accuracy);
        Adopt(writer, trainer, data);
        var update = new PolicyUpdate(0, 0, null, accuracy);
        await SaveAsync(config, checkpoint, update);
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

        await EnsureLoadedAsync();
        var responses = await grains.GetGrain<IRolloutQueueGrain>(RunId).GetResponsesAsync(iteration);
        var settings = config.PolicyOrDefault;
        var (examples, loss, accuracy, checkpoint) = await Task.Run(() =>
        {
            var examples = UpdateExamples.Build(config.Algorithm, responses, settings.PromptMeanUpdate);
            double? loss = UpdateExamples.Train(_trainer!, examples, settings.MiniBatch, settings.GradientAccumulation, new Random(HashCode.Combine(settings.Seed, iteration)));
            double? accuracy = evaluate ? Evaluate(_writer!.Policy, _data!) : null;
            return (examples.Count, loss, accuracy, _writer!.Publish(iteration, _trainer!, store.CreateStaging(RunId, iteration)));
        });
        var update = new PolicyUpdate(iteration, examples, loss, accuracy);
        await SaveAsync(config, checkpoint, update);
        return update;
    }

    /// <inheritdoc />
    public Task<PolicyRelease> GetPolicyAsync()
    {
        var config = state.State.Config ?? throw new InvalidOperationException($"run '{RunId}': the policy was never prepared.");
        return Task.FromResult(new PolicyRelease(state.State.Version, config.PolicyOrDefault, state.State.Checkpoint));
    }

    /// <inheritdoc />
    public Task<CheckpointFile[]> GetCheckpointFilesAsync()
    {
        var checkpoint = state.State.Checkpoint ?? throw new InvalidOperationException($"run '{RunId}': the policy was never prepared.");
        return Task.FromResult<CheckpointFile[]>([.. store.Files(checkpoint.Location)
            .Where(f => VersionWriter.IsModelFile(f.Name))
            .Select(f => new CheckpointFile(f.Name, f.Bytes, f.Sha256))]);
    }

    /// <inheritdoc />
    public Task<byte[]> ReadCheckpointAsync(string name, long offset, int count)
    {
        var checkpoint = state.State.Checkpoint ?? throw new InvalidOperationException($"run '{RunId}': the policy was never prepared.");
        if (!VersionWriter.IsModelFile(name) || offset < 0 || count is < 1 or > MaxReadBytes)
        {
            throw new ArgumentException($"read of '{name}' at {offset} for {count} bytes: the file must be one of the checkpoint's and 1..{MaxReadBytes} bytes.");
        }

        return Task.FromResult(store.Read(checkpoint.Location, name, offset, count));
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        DropModel();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    private static TrainingOptions Options(PolicySettings settings) => new(LearningRate: settings.LearningRate, MaxGradNorm: 1.0);

    private static double? Evaluate(LoadedPolicy policy, PolicyTaskData data) =>
        data.Eval.Count == 0
            ? null
            : GreedyEvaluation.Accuracy(policy.Model, policy.Tokenizer, [.. data.Eval.Select(p => p with { Prompt = policy.Formatter.Format(p.Prompt) })], policy.Settings.MaxNewTokens, policy.StopIds);

    // After a move to another silo (or a restart) the model and the optimiser come back from the
    // stored version, its files checked against the recorded hash.
    private async Task EnsureLoadedAsync()
    {
        if (_writer is not null)
        {
            return;
        }

        var config = state.State.Config!;
        var checkpoint = state.State.Checkpoint
            ?? throw new InvalidOperationException($"run '{RunId}': its trainer state names no checkpoint (written by an older version of the trainer); start a new run.");
        var settings = config.PolicyOrDefault;
        var data = await PolicyTasks.LoadAsync(grains, settings);
        var (writer, trainer) = await Task.Run(() =>
        {
            string folder = store.Open(new StoredCheckpoint(checkpoint.Location, checkpoint.Hash));
            var writer = new VersionWriter(store, RunId, _checkpoints.ShardBytes, LoadedPolicy.Open(folder, settings, training: true));
            var trainer = new PolicyTrainer(writer.Policy.Model, Options(settings));
            trainer.LoadOptimizer(Path.Combine(folder, VersionWriter.OptimizerFile));
            return (writer, trainer);
        });
        logger.LogInformation("run {RunId}: resumed the trainer from version {Version} ({Location})", RunId, checkpoint.Version, checkpoint.Location);
        Adopt(writer, trainer, data);
    }

    private void Adopt(VersionWriter writer, PolicyTrainer trainer, PolicyTaskData data)
    {
        _writer = writer;
        _trainer = trainer;
        _data = data;
    }

    // A version exists once its location is stored. If the write fails, the state is the stored one
    // again, and the model in memory (trained past it) is dropped: the next call reloads the stored
    // version. Old versions are pruned only after the new one is recorded.
    private async Task SaveAsync(RunConfig config, StoredCheckpoint stored, PolicyUpdate update)
    {
        try
        {
            await state.CommitAsync(this, s =>
            {
                s.Config = config;
                s.Version = update.Version;
                s.Checkpoint = new PolicyCheckpoint(update.Version, stored.Location, stored.Hash);
                s.LastUpdate = update;
            });
        }
        catch
        {
            DropModel();
            throw;
        }

        try
        {
            store.Prune(RunId, stored, _checkpoints.Keep);
        }
        catch (IOException e)
        {
            // Old versions left behind cost disk, not correctness; the next version prunes again.
            logger.LogWarning(e, "run {RunId}: pruning old checkpoints failed", RunId);
        }
    }

    private void DropModel()
    {
        _trainer?.Dispose();
        _writer?.Dispose();
        _trainer = null;
        _writer = null;
    }
}
