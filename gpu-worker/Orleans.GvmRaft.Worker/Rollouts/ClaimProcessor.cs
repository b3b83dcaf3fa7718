using Microsoft.Extensions.Logging;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Policy.Rollouts;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Telemetry;
using Orleans.GvmRaft.Worker.Compute;
using Orleans.GvmRaft.Worker.Policies;

namespace Orleans.GvmRaft.Worker.Rollouts;

/// <summary>
/// One claim of one run's work, start to end: lease items from the run's queue, keep the leases
/// while the work goes on, sample, verify and probe with the policy version each item names, and
/// complete the claim in one call (and in the ledger, when kept).
/// </summary>
public sealed class ClaimProcessor(string workerId, IGrainFactory grains, RunPolicies policies, DeviceSchedulers schedulers, int claimSize, CompletionLedger? ledger, TimeProvider clock, ILogger logger)
{
    private readonly PromptDefinitionCache _definitions = new(grains);
    private long _items;
    private long _rollouts;
    private long _version = -1;

    /// <summary>Items completed with this worker's results.</summary>
    public long Items => Interlocked.Read(ref _items);

    /// <summary>Responses drawn for the completed items.</summary>
    public long Rollouts => Interlocked.Read(ref _rollouts);

    /// <summary>The policy version last sampled with (−1 before any).</summary>
    public long PolicyVersion => Interlocked.Read(ref _version);

    /// <summary>Claims and serves one claim of <paramref name="runId"/>'s work; false when there was none.</summary>
    public async Task<bool> ServeAsync(string runId)
    {
        var queue = grains.GetGrain<IRolloutQueueGrain>(runId);
        var leases = await queue.ClaimAsync(workerId, claimSize);
        if (leases.Length == 0)
        {
            return false;
        }

        logger.LogDebug("worker {WorkerId}: claimed {Count} items of run {RunId}", workerId, leases.Length, runId);
        await using var renewal = LeaseRenewal.Start(queue, workerId, leases, clock);
        foreach (var group in leases.GroupBy(l => l.Item.PolicyVersion))
        {
            await ServeVersionAsync(queue, runId, group.Key, [.. group]);
        }

        if (renewal.Lost > 0)
        {
            logger.LogWarning("worker {WorkerId}: {Lost} leases of run {RunId} were lost while their work went on", workerId, renewal.Lost, runId);
        }

        return true;
    }

    private async Task ServeVersionAsync(IRolloutQueueGrain queue, string runId, long version, RolloutLease[] leases)
    {
        (LoadedPolicy Policy, RolloutExecutor Executor)? held;
        try
        {
            held = await policies.GetAsync(runId, version);
        }
        catch (CorruptCheckpointException e)
        {
            // Every worker reads the same files: sampling with them can never succeed, and
            // training on responses of a policy other than the recorded one would be wrong.
            logger.LogError(e, "worker {WorkerId}: refused policy version {Version} of run {RunId}", workerId, version, runId);
            foreach (var lease in leases)
            {
                await queue.FailAsync(lease.Item.ItemId, workerId, $"policy version {version} refused: {e.Message}");
            }

            return;
        }

        if (held is not var (policy, executor))
        {
            logger.LogWarning("worker {WorkerId}: run {RunId} no longer serves policy version {Version}; leaving its items to expire", workerId, runId, version);
            return;
        }

        var items = new List<RolloutWorkItem>(leases.Length);
        var requests = new List<RolloutRequest>(leases.Length);
        await _definitions.LoadAsync(leases.Select(l => l.Item.PromptId));
        foreach (var item in leases.Select(l => l.Item))
        {
            var prompt = _definitions[item.PromptId];
            if (LoadedPolicy.Unfit(policy.Directory, policy.Formatter, prompt.Id, prompt.Text, policy.Settings.MaxNewTokens) is { } reason)
            {
                // Sampling it would fail on every worker: the prompt is left out of the run, which
                // lists it, and goes on. It is never trained on.
                await queue.ExcludeAsync(item.ItemId, workerId, reason);
                continue;
            }

            items.Add(item);
            requests.Add(new RolloutRequest(policy.Formatter.Format(prompt.Text), prompt.Answer, prompt.Verifier, item.Count, item.Stage == RolloutStage.Estimate, DrawKeyOf(item)));
        }

        if (items.Count == 0)
        {
            return;
        }

        // Seeded by the run and each item's key: the same draws whoever claims the item, with
        // whichever others, and on a retry after a lost lease.
        ulong seed = (ulong)policy.Settings.Seed;
        // Timed on the compute thread: a wait for the device's turn is not model work.
        var outcomes = await schedulers.For(policy.Settings.Device).RunAsync(() => GvmMetrics.TimeCompute(runId, "generate", () => executor.Execute(requests, seed)));
        var results = items.Select((item, i) => Results(item, outcomes[i])).ToArray();

        // One call for the claim's results: each shard writes its state once for all of them.
        ledger?.Sent(items, results);
        CompletionDisposition[] dispositions;
        try
        {
            dispositions = await queue.CompleteManyAsync(workerId, results);
        }
        catch
        {
            ledger?.Unanswered(items, results);
            throw;
        }

        ledger?.Answered(items, results, dispositions);
        for (int i = 0; i < results.Length; i++)
        {
            if (dispositions[i] == CompletionDisposition.Accepted)
            {
                Interlocked.Increment(ref _items);
                Interlocked.Add(ref _rollouts, results[i].Report.Attempts);
            }
        }

        Interlocked.Exchange(ref _version, version);
    }

    private static ItemResults Results(RolloutWorkItem item, RolloutOutcome outcome)
    {
        var report = new RolloutReport(item.ItemId, item.RunId, item.Iteration, item.PolicyVersion, item.Stage, outcome.Attempts, outcome.Acceptances, outcome.GradNorms, item.ExtendsEstimate, item.Lineage);
        return new ItemResults(item.ItemId, report, ResponsesOf(item.ItemId, item.PromptId, outcome));
    }

    /// <summary>The responses of <paramref name="outcome"/> as the trainer reads them.</summary>
    public static RolloutResponses ResponsesOf(string itemId, string promptId, RolloutOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return new RolloutResponses(
            itemId,
            promptId,
            outcome.Responses.Count > 0 ? outcome.Responses[0].Sequence.Prompt : [],
            [.. outcome.Responses.Select(r => r.Sequence.Response)],
            [.. outcome.Responses.Select(r => r.Reward)],
            outcome.LogProbs);
    }

    /// <summary>
    /// What <paramref name="item"/>'s draws are: its id without the run's (iteration, stage, prompt
    /// and round), so runs of one seed draw the same responses where their work is the same.
    /// </summary>
    public static string DrawKeyOf(RolloutWorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        string prefix = item.RunId + "/";
        return item.ItemId.StartsWith(prefix, StringComparison.Ordinal) ? item.ItemId[prefix.Length..] : item.ItemId;
    }
}
