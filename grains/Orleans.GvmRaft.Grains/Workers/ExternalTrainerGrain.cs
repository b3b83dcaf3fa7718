using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Workers;

/// <summary>
/// The trainer of a run whose policy lives outside the cluster (<see cref="PolicySettings.External"/>):
/// there is no model to train, so an update counts the accepted responses the iteration gathered
/// and makes the next version number, which the external workers read from the work they claim.
/// </summary>
[GrainType(PolicyTrainers.ExternalTrainer)]
[Placement.ControlPlacementFilter]
public sealed class ExternalTrainerGrain(
    [PersistentState("trainer", GvmStorage.Runs)] IPersistentState<ExternalTrainerState> state,
    IGrainFactory grains) : Grain, IPolicyTrainerGrain
{
    private string RunId => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public Task ValidateAsync(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<PolicyUpdate?> PrepareAsync(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (state.State.LastUpdate is { } done)
        {
            return done;
        }

        var update = new PolicyUpdate(0, 0, null, null);
        await state.CommitAsync(this, s =>
        {
            s.Config = config;
            s.LastUpdate = update;
        });
        return update;
    }

    /// <inheritdoc />
    public async Task<PolicyUpdate?> UpdateAsync(int iteration, bool evaluate)
    {
        var current = state.State.LastUpdate ?? throw new InvalidOperationException($"run '{RunId}': the policy was never prepared.");
        if (current.Version == iteration)
        {
            return current;
        }

        if (iteration != current.Version + 1)
        {
            throw new InvalidOperationException($"run '{RunId}': the policy is at version {current.Version}; it cannot make version {iteration}.");
        }

        var responses = await grains.GetGrain<IRolloutQueueGrain>(RunId).GetResponsesAsync(iteration);
        var update = new PolicyUpdate(iteration, responses.Sum(r => r.Rewards.Count(reward => reward == 1)), null, null);
        await state.CommitAsync(this, s => s.LastUpdate = update);
        return update;
    }

    /// <inheritdoc />
    public Task<TrainerJob?> GetJobAsync() => Task.FromResult<TrainerJob?>(null);

    /// <inheritdoc />
    public Task<PolicyRelease> GetPolicyAsync()
    {
        var config = state.State.Config ?? throw new InvalidOperationException($"run '{RunId}': the policy was never prepared.");
        return Task.FromResult(new PolicyRelease(state.State.LastUpdate!.Version, config.PolicyOrDefault, null));
    }

    /// <inheritdoc />
    public async Task DeleteAsync()
    {
        // No checkpoints: the policy lives outside the cluster.
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    /// <inheritdoc />
    public Task<CheckpointFile[]> GetCheckpointFilesAsync() => Task.FromResult<CheckpointFile[]>([]);

    /// <inheritdoc />
    public Task<byte[]> ReadCheckpointAsync(string name, long offset, int count) =>
        throw new InvalidOperationException($"run '{RunId}': its policy lives outside the cluster; there is no checkpoint to read.");
}
