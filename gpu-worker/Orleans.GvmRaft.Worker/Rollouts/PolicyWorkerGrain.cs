using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.GvmRaft.Placement;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Policy.Probe;
using Orleans.GvmRaft.Policy.Rollouts;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Worker.Policies;
using Orleans.GvmRaft.Workers;
using Orleans.Placement;

namespace Orleans.GvmRaft.Worker.Rollouts;

/// <summary>
/// A worker silo's rollout worker. It heartbeats to the directory, claims leased work from each
/// active run's queue, loads the policy version the work names from the checkpoint store (its
/// files checked against the hash the run's trainer recorded), samples, verifies and probes, and
/// completes each item with its report and responses. It holds one version per run: the one its
/// current work names.
/// </summary>
[WorkerPlacementFilter]
[PreferLocalPlacement]
public sealed class PolicyWorkerGrain(
    IGrainFactory grains,
    ICheckpointStore store,
    IOptions<WorkerOptions> options,
    ILocalSiloDetails silo,
    TimeProvider clock,
    ILogger<PolicyWorkerGrain> logger) : Grain, IPolicyWorkerGrain
{
    private readonly WorkerOptions _options = options.Value;
    private readonly DateTimeOffset _startedAt = clock.GetUtcNow();
    private readonly Dictionary<string, (long Version, LoadedPolicy Policy, RolloutExecutor Executor)> _policies = [];
    private readonly PromptDefinitionCache _definitions = new(grains);
    private CompletionLedger? _ledger;
    private IGrainTimer? _timer;
    private long _items;
    private long _rollouts;
    private long _version = -1;

    private string WorkerId => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public Task StartAsync()
    {
        if (_options.Ledger.Length > 0)
        {
            _ledger ??= new CompletionLedger(_options.Ledger, WorkerId);
        }

        _timer ??= this.RegisterGrainTimer(PollAsync, new GrainTimerCreationOptions(TimeSpan.Zero, _options.PollInterval) { KeepAlive = true });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<WorkerStatus> GetStatusAsync() => Task.FromResult(Status());

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Not an error (the silo's WorkerStarter starts it again), but worth seeing when a run slows.
        logger.LogInformation("worker {WorkerId}: deactivated ({Reason})", WorkerId, reason);
        foreach (var policy in _policies.Values)
        {
            policy.Policy.Dispose();
        }

        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    private WorkerStatus Status() => new(WorkerId, silo.Name, clock.GetUtcNow(), _items, _rollouts, _version, _startedAt);

    // The timer does not interleave: one poll at a time, and a poll that finds work keeps at it.
    private async Task PollAsync(CancellationToken cancellationToken)
    {
        string[] runs = await grains.GetGrain<IWorkerDirectoryGrain>(0).HeartbeatAsync(Status());
        bool worked = true;
        while (worked && !cancellationToken.IsCancellationRequested)
        {
            worked = false;
            foreach (string runId in runs)
            {
                try
                {
                    worked |= await WorkAsync(runId);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The leases run out and the work is issued again; nothing is lost.
                    logger.LogWarning(e, "worker {WorkerId}: work for run {RunId} failed", WorkerId, runId);
                }
            }
        }
    }

    private async Task<bool> WorkAsync(string runId)
    {
        var queue = grains.GetGrain<IRolloutQueueGrain>(runId);
        var leases = await queue.ClaimAsync(WorkerId, _options.ClaimSize);
        if (leases.Length == 0)
        {
            return false;
        }

        logger.LogDebug("worker {WorkerId}: claimed {Count} items of run {RunId}", WorkerId, leases.Length, runId);

        foreach (var group in leases.GroupBy(l => l.Item.PolicyVersion))
        {
            RolloutExecutor? executor;
            try
            {
                executor = await PolicyAsync(runId, group.Key);
            }
            catch (CorruptCheckpointException e)
            {
                // Every worker reads the same files: sampling with them can never succeed, and
                // training on responses of a policy other than the recorded one would be wrong.
                logger.LogError(e, "worker {WorkerId}: refused policy version {Version} of run {RunId}", WorkerId, group.Key, runId);
                foreach (var lease in group)
                {
                    await queue.FailAsync(lease.Item.ItemId, WorkerId, $"policy version {group.Key} refused: {e.Message}");
                }

                continue;
            }

            if (executor is null)
            {
                logger.LogWarning("worker {WorkerId}: run {RunId} no longer serves policy version {Version}; leaving its items to expire", WorkerId, runId, group.Key);
                continue;
            }

            var policy = _policies[runId].Policy;

            var items = new List<RolloutWorkItem>(group.Count());
            var requests = new List<RolloutRequest>(items.Capacity);
            await _definitions.LoadAsync(group.Select(l => l.Item.PromptId));
            foreach (var item in group.Select(l => l.Item))
            {
                var prompt = _definitions[item.PromptId];
                if (LoadedPolicy.Unfit(policy.Directory, policy.Formatter, prompt.Id, prompt.Text, policy.Settings.MaxNewTokens) is { } reason)
                {
                    // Sampling it would fail on every worker: say why, once, and let the run stop.
                    await queue.FailAsync(item.ItemId, WorkerId, reason);
                    continue;
                }

                items.Add(item);
                requests.Add(new RolloutRequest(policy.Formatter.Format(prompt.Text), prompt.Answer, prompt.Verifier, item.Count, item.Stage == RolloutStage.Estimate));
            }

            if (items.Count == 0)
            {
                continue;
            }

            ulong seed = SeedOf(items[0].ItemId, group.First().Attempt);
            var outcomes = await Task.Run(() => executor.Execute(requests, seed));
            // One call for the claim's results: the queue writes its state once for all of them.
            var results = items.Select((item, i) =>
            {
                var outcome = outcomes[i];
                var report = new RolloutReport(item.ItemId, item.RunId, item.Iteration, item.PolicyVersion, item.Stage, outcome.Attempts, outcome.Acceptances, outcome.GradNorms, item.ExtendsEstimate);
                var responses = new RolloutResponses(
                    item.ItemId,
                    item.PromptId,
                    outcome.Responses.Count > 0 ? outcome.Responses[0].Sequence.Prompt : [],
                    [.. outcome.Responses.Select(r => r.Sequence.Response)],
                    [.. outcome.Responses.Select(r => r.Reward)]);
                return new ItemResults(item.ItemId, report, responses);
            }).ToArray();
            _ledger?.Sent(items, results);
            CompletionDisposition[] dispositions;
            try
            {
                dispositions = await queue.CompleteManyAsync(WorkerId, results);
            }
            catch
            {
                _ledger?.Unanswered(items, results);
                throw;
            }

            _ledger?.Answered(items, results, dispositions);
            for (int i = 0; i < results.Length; i++)
            {
                if (dispositions[i] == CompletionDisposition.Accepted)
                {
                    _items++;
                    _rollouts += results[i].Report.Attempts;
                }
            }

            _version = group.Key;
        }

        return true;
    }

    // The policy version a work item names, loaded from the store when this worker holds another;
    // the version it replaces is released (no item of this worker names it any more).
    private async Task<RolloutExecutor?> PolicyAsync(string runId, long version)
    {
        if (_policies.TryGetValue(runId, out var held) && held.Version == version)
        {
            return held.Executor;
        }

        var release = await PolicyTrainers.Model(grains, runId).GetPolicyAsync();
        if (release.Version != version || release.Checkpoint is not { } checkpoint)
        {
            return null;
        }

        var policy = await Task.Run(() =>
        {
            string folder = store.Open(new StoredCheckpoint(checkpoint.Location, checkpoint.Hash));
            return LoadedPolicy.Open(folder, release.Settings, training: false);
        });
        var executor = new RolloutExecutor(policy.Model, policy.Tokenizer, policy.Sampling, ProbeTarget.EmbedTokens, _options.SampleBatch);
        held.Policy?.Dispose();
        _policies[runId] = (version, policy, executor);
        logger.LogInformation("worker {WorkerId}: loaded version {Version} of run {RunId} from {Location}", WorkerId, version, runId, checkpoint.Location);
        return executor;
    }

    // A draw is reproducible from its first item and lease attempt, whichever worker makes it.
    private static ulong SeedOf(string itemId, int attempt)
    {
        ulong hash = 14695981039346656037;
        foreach (char c in itemId)
        {
            hash = (hash ^ c) * 1099511628211;
        }

        return hash ^ (ulong)attempt;
    }
}
