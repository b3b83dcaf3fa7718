using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Client.External;

/// <summary>
/// A rollout worker outside the cluster, for runs whose policy is <see cref="PolicySettings.External"/>:
/// it claims the run's work from its queue as a worker silo's rollout worker does and completes each
/// claim in one call, with the results <c>rollouts</c> draws for each item. The demo's synthetic
/// policy, the pool benchmark and tests play their policies through it.
/// </summary>
/// <param name="grains">The cluster.</param>
/// <param name="runId">The run whose queue it serves.</param>
/// <param name="rollouts">Draws an item's responses: its report and, for the trainer, its responses.</param>
/// <param name="workerId">The id its leases carry.</param>
/// <param name="claimSize">Items claimed at once.</param>
/// <param name="poll">How long it waits before looking again when there was no work (default 20 ms).</param>
public sealed class ExternalWorker(
    IGrainFactory grains,
    string runId,
    Func<RolloutWorkItem, PromptDefinition, ItemResults> rollouts,
    string workerId = "external",
    int claimSize = 32,
    TimeSpan? poll = null)
{
    private readonly TimeSpan _poll = poll ?? TimeSpan.FromMilliseconds(20);
    private readonly PromptDefinitionCache _definitions = new(grains);

    /// <summary>Items completed with this worker's results.</summary>
    public int Completed { get; private set; }

    /// <summary>Serves the run until it completes, fails or <paramref name="cancellationToken"/> fires; returns its last snapshot.</summary>
    public async Task<RunSnapshot> RunAsync(Action<RunSnapshot>? progress = null, CancellationToken cancellationToken = default)
    {
        var run = grains.GetGrain<ITrainingRunGrain>(runId);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool worked = await DrainAsync();
            var snapshot = await run.GetSnapshotAsync() ?? throw new InvalidOperationException($"unknown run '{runId}'.");
            progress?.Invoke(snapshot);
            if (snapshot.Phase is RunPhase.Completed or RunPhase.Failed or RunPhase.Stopped)
            {
                return snapshot;
            }

            if (!worked)
            {
                await Task.Delay(_poll, cancellationToken);
            }
        }
    }

    /// <summary>Claims and completes work until nothing is claimable; true when it did any.</summary>
    public async Task<bool> DrainAsync()
    {
        var queue = grains.GetGrain<IRolloutQueueGrain>(runId);
        bool worked = false;
        while (await queue.ClaimAsync(workerId, claimSize) is { Length: > 0 } leases)
        {
            // The leases are kept while the policy draws, however long it takes.
            await using var renewal = LeaseRenewal.Start(queue, workerId, leases);
            await _definitions.LoadAsync(leases.Select(l => l.Item.PromptId));
            var results = new ItemResults[leases.Length];
            for (int i = 0; i < leases.Length; i++)
            {
                var item = leases[i].Item;
                results[i] = rollouts(item, _definitions[item.PromptId]);
            }

            var dispositions = await queue.CompleteManyAsync(workerId, results);
            Completed += dispositions.Count(d => d == CompletionDisposition.Accepted);
            worked = true;
        }

        return worked;
    }

    /// <summary>The results of <paramref name="item"/> from per-response rewards and the accepted responses' gradient norms.</summary>
    public static ItemResults Results(RolloutWorkItem item, int[] rewards, double[] gradNorms)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(rewards);
        var report = new RolloutReport(
            item.ItemId, item.RunId, item.Iteration, item.PolicyVersion, item.Stage, rewards.Length, rewards.Count(r => r == 1), gradNorms, item.ExtendsEstimate, item.Lineage);

        // No tokens: an external policy's responses live outside the cluster; the rewards are what the trainer counts.
        var responses = new RolloutResponses(item.ItemId, item.PromptId, [], [.. rewards.Select(_ => Array.Empty<int>())], rewards);
        return new ItemResults(item.ItemId, report, responses);
    }
}
