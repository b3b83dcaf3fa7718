using Orleans.GvmRaft.Policy.Sampling;
using Orleans.GvmRaft.Policy.Training;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Worker.Training;

/// <summary>Turns one iteration's responses (both stages) into the examples of the update.</summary>
public static class UpdateExamples
{
    /// <summary>
    /// RAFT++: every accepted response with advantage 1 (accepted stage-1 responses join: they cost
    /// the same to draw), weighted per prompt when <paramref name="promptMean"/>. GRPO: every
    /// response of a prompt, both stages as one group, with group-normalised advantages; groups
    /// that say nothing (all rewards equal) drop out. Each example keeps the log-probabilities its
    /// sampling policy gave its tokens, π_old of the clipped ratio. The examples come in item order
    /// (ordinal item ids), whatever order the queue handed the responses over in, so one seed gives
    /// one update.
    /// </summary>
    public static List<PolicyExample> Build(TrainingAlgorithm algorithm, IReadOnlyList<RolloutResponses> responses, bool promptMean)
    {
        ArgumentNullException.ThrowIfNull(responses);
        var byPrompt = responses.OrderBy(r => r.ItemId, StringComparer.Ordinal)
            .GroupBy(r => r.PromptId, StringComparer.Ordinal)
            .Select(g => g.SelectMany(r => r.Responses.Select((tokens, i) => (Example: new PolicyExample(new ScoredSequence(r.PromptTokens, tokens), 1.0, r.LogProbs?[i]), Reward: r.Rewards[i]))).ToList())
            .ToList();
        if (algorithm == TrainingAlgorithm.Grpo)
        {
            return [.. byPrompt.SelectMany(group =>
            {
                double[] advantages = GroupAdvantages.Compute([.. group.Select(x => (double)x.Reward)]);
                return group.Select((x, i) => x.Example with { Advantage = advantages[i] }).Where(e => e.Advantage != 0);
            })];
        }

        var accepted = byPrompt.Select(g => g.Where(x => x.Reward == 1).Select(x => x.Example).ToList()).Where(g => g.Count > 0).ToList();
        return promptMean ? PromptMean(accepted) : [.. accepted.SelectMany(g => g)];
    }

    // RAFT++'s objective is linear in the advantage, so a per-response weight rides on it: each
    // prompt's accepted responses share weight 1, scaled so the weights average 1 and the step
    // size stays comparable to the unweighted update.
    private static List<PolicyExample> PromptMean(List<List<PolicyExample>> accepted)
    {
        int total = accepted.Sum(g => g.Count);
        double scale = total == 0 ? 0 : (double)total / accepted.Count;
        return [.. accepted.SelectMany(g => g.Select(e => e with { Advantage = scale / g.Count }))];
    }

    /// <summary>
    /// Steps through <paramref name="examples"/> in shuffled mini-batches of <paramref name="batchSize"/>,
    /// each split into <paramref name="microBatches"/> for gradient accumulation; returns the steps'
    /// means (NLL, clip fraction, approximate KL), or null when there was nothing to train on.
    /// </summary>
    public static UpdateSummary? Train(PolicyTrainer trainer, List<PolicyExample> examples, int batchSize, int microBatches, Random random, Action<int, int, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(random);
        var shuffled = examples.OrderBy(_ => random.Next()).ToList();
        var steps = new List<UpdateMetrics>();
        int total = (shuffled.Count + batchSize - 1) / batchSize;
        for (int start = 0; start < shuffled.Count; start += batchSize)
        {
            steps.Add(trainer.Step(shuffled.Skip(start).Take(batchSize).ToList(), microBatches));
            progress?.Invoke(steps.Count, total, steps[^1].Nll);
        }

        return UpdateSummary.Of(steps);
    }
}
