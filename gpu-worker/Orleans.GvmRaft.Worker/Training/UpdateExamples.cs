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
    /// that say nothing (all rewards equal) drop out.
    /// </summary>
    public static List<PolicyExample> Build(TrainingAlgorithm algorithm, IReadOnlyList<RolloutResponses> responses, bool promptMean)
    {
        ArgumentNullException.ThrowIfNull(responses);
        var byPrompt = responses.GroupBy(r => r.PromptId, StringComparer.Ordinal)
            .Select(g => g.SelectMany(r => r.Responses.Select((tokens, i) => (Sequence: new ScoredSequence(r.PromptTokens, tokens), Reward: r.Rewards[i]))).ToList())
            .ToList();
        if (algorithm == TrainingAlgorithm.Grpo)
        {
            return [.. byPrompt.SelectMany(group =>
            {
                double[] advantages = GroupAdvantages.Compute([.. group.Select(x => (double)x.Reward)]);
                return group.Select((x, i) => new PolicyExample(x.Sequence, advantages[i])).Where(e => e.Advantage != 0);
            })];
        }

        var accepted = byPrompt.Select(g => g.Where(x => x.Reward == 1).Select(x => x.Sequence).ToList()).Where(g => g.Count > 0).ToList();
        return promptMean ? PromptMean(accepted) : [.. accepted.SelectMany(g => g.Select(s => new PolicyExample(s, 1.0)))];
    }

    // RAFT++'s objective is linear in the advantage, so a per-response weight rides on it: each
    // prompt's accepted responses share weight 1, scaled so the weights average 1 and the step
    // size stays comparable to the unweighted update.
    private static List<PolicyExample> PromptMean(List<List<ScoredSequence>> accepted)
    {
        int total = accepted.Sum(g => g.Count);
        double scale = total == 0 ? 0 : (double)total / accepted.Count;
        return [.. accepted.SelectMany(g => g.Select(s => new PolicyExample(s, scale / g.Count)))];
    }

    /// <summary>
    /// Steps through <paramref name="examples"/> in shuffled mini-batches of <paramref name="batchSize"/>,
    /// each split into <paramref name="microBatches"/> for gradient accumulation; returns the mean
    /// NLL, or null when there was nothing to train on.
    /// </summary>
    public static double? Train(PolicyTrainer trainer, List<PolicyExample> examples, int batchSize, int microBatches, Random random, Action<int, int, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(random);
        var shuffled = examples.OrderBy(_ => random.Next()).ToList();
        var losses = new List<double>();
        int steps = (shuffled.Count + batchSize - 1) / batchSize;
        for (int start = 0; start < shuffled.Count; start += batchSize)
        {
            losses.Add(trainer.Step(shuffled.Skip(start).Take(batchSize).ToList(), microBatches).Nll);
            progress?.Invoke(losses.Count, steps, losses[^1]);
        }

        return losses.Count == 0 ? null : losses.Average();
    }
}
