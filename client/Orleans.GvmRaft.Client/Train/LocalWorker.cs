using Orleans.GvmRaft.Policy.Rollouts;
using Orleans.GvmRaft.Policy.Sampling;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;

namespace Orleans.GvmRaft.Client.Train;

/// <summary>
/// A rollout worker in this process: it claims leased work from the run's queue, draws and verifies
/// the responses with the shared policy, and completes each item with its batched report. It keeps
/// the accepted responses for the trainer, which shares the model with it here.
/// </summary>
public sealed class LocalWorker(IGrainFactory grains, RolloutExecutor executor, string workerId, int claimSize = 512)
{
    private readonly Dictionary<string, PromptDefinition> _definitions = [];

    /// <summary>Works until the queue has nothing left to claim; returns the accepted responses and the items completed.</summary>
    public async Task<(List<ScoredSequence> Accepted, int Attempts, int Acceptances)> DrainAsync(IRolloutQueueGrain queue, ulong seed)
    {
        var accepted = new List<ScoredSequence>();
        int attempts = 0, acceptances = 0;
        while (true)
        {
            var leases = await queue.ClaimAsync(workerId, claimSize);
            if (leases.Length == 0)
            {
                return (accepted, attempts, acceptances);
            }

            var requests = new List<RolloutRequest>(leases.Length);
            foreach (var lease in leases)
            {
                var prompt = await DefinitionAsync(lease.Item.PromptId);
                requests.Add(new RolloutRequest(prompt.Text, prompt.Answer, prompt.Verifier, lease.Item.Count, lease.Item.Stage == RolloutStage.Estimate));
            }

            // Sampling and the probe are seconds of CPU: off the caller's thread, awaited.
            var outcomes = await Task.Run(() => executor.Execute(requests, seed));
            seed += (ulong)requests.Sum(r => r.Count);
            for (int i = 0; i < leases.Length; i++)
            {
                var item = leases[i].Item;
                var outcome = outcomes[i];
                var report = new RolloutReport(item.ItemId, item.RunId, item.Iteration, item.PolicyVersion, item.Stage, outcome.Attempts, outcome.Acceptances, outcome.GradNorms);
                if (await queue.CompleteAsync(item.ItemId, workerId, report) == CompletionDisposition.Accepted)
                {
                    accepted.AddRange(outcome.Accepted);
                    attempts += outcome.Attempts;
                    acceptances += outcome.Acceptances;
                }
            }
        }
    }

    private async Task<PromptDefinition> DefinitionAsync(string promptId)
    {
        if (!_definitions.TryGetValue(promptId, out var definition))
        {
            definition = await grains.GetGrain<IPromptGrain>(promptId).GetDefinitionAsync()
                ?? throw new InvalidOperationException($"work item names unknown prompt '{promptId}'.");
            _definitions[promptId] = definition;
        }

        return definition;
    }
}
