using Orleans.GvmRaft.Allocation;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.PromptSets;

namespace Orleans.GvmRaft.Runs;

/// <summary>
/// Online allocation in rounds (Ada, DAPO): stage 2 is drawn round by round, each planned from the
/// counts the queue recorded for the iteration so far, until the allocator has nothing more to
/// draw or the budget is spent. Each round's work is queued before the round is persisted, and planned
/// only from recorded results (and a seeded refill draw), so a round repeated after a crash is the
/// same round.
/// </summary>
public sealed partial class TrainingRunGrain
{
    private static bool DrawsInRounds(RunConfig config) => config.Allocator is AllocatorKind.Ada or AllocatorKind.Dapo;

    // The first round, planned as the allocation step's plan: its counts are the cumulative ones.
    private async Task<IterationAllocation> PlanFirstRoundAsync(RunConfig config, int iteration, string[] batch)
    {
        var (prompts, cumulative, _) = await PlanRoundAsync(config, iteration, batch, new int[batch.Length], round: 1);
        string outcome = (config.Allocator == AllocatorKind.Ada ? AllocationOutcome.Rounds : AllocationOutcome.Refill).ToString();
        return new IterationAllocation(iteration, prompts, cumulative, outcome, []);
    }

    // After a round's work is done: plans and persists the next one, or says there is none.
    private async Task<bool> NextRoundAsync(RunConfig config, int iteration)
    {
        if (!DrawsInRounds(config))
        {
            return false;
        }

        var plan = state.State.LastAllocation!;
        int round = state.State.Round + 1;
        var (prompts, cumulative, draws) = await PlanRoundAsync(config, iteration, plan.PromptIds, plan.Samples, round);
        if (draws.All(n => n == 0))
        {
            return false;
        }

        var next = plan with { PromptIds = prompts, Samples = cumulative };
        await Queue.EnqueueAsync(WorkItems(iteration, RolloutStage.Sample, prompts, draws, round));
        await CommitAsync(c =>
        {
            c.LastAllocation = next;
            c.Batch = prompts;
            c.Round = round;
            c.RoundSamples = draws;
        });
        return true;
    }

    /// <summary>
    /// One round: Ada gives the prompts still without enough signal up to a round's samples each;
    /// DAPO adds fresh prompts, a group each, for the informative groups the batch still lacks.
    /// Returns the batch (grown by refills), the stage-2 draws per prompt including this round,
    /// and this round's draws (all zero: sampling is over).
    /// </summary>
    private async Task<(string[] Batch, int[] Cumulative, int[] Round)> PlanRoundAsync(
        RunConfig config, int iteration, string[] batch, int[] spent, int round)
    {
        var counts = await IterationCountsAsync(iteration);
        // The budget of the batch as picked (DAPO's refills do not raise it).
        int remaining = Math.Max(0, IterationBudget(config) - spent.Sum());
        if (config.Allocator == AllocatorKind.Ada)
        {
            int[] drawn = [.. batch.Select(id => counts.GetValueOrDefault(id).Drawn)];
            int[] accepted = [.. batch.Select(id => counts.GetValueOrDefault(id).Accepted)];
            int[] draws = AdaptiveRounds.NextRound(drawn, accepted, remaining, config.RoundSamples, config.EnoughAccepted);
            return (batch, [.. spent.Zip(draws, (a, b) => a + b)], draws);
        }

        int informative = batch.Count(id => counts.TryGetValue(id, out var c) && DynamicSampling.IsInformative(c.Drawn, c.Accepted));
        var set = grains.GetGrain<IPromptSetGrain>(config.PromptSet!);
        long size = await set.GetCountAsync();
        int refill = DynamicSampling.RefillCount(informative, config.BatchSize, remaining, config.Stage1Samples, (int)Math.Min(int.MaxValue, size - batch.Length));
        if (refill == 0)
        {
            return (batch, spent, new int[batch.Length]);
        }

        // A larger sample of the set than the batch holds has at least `refill` prompts outside it.
        var inBatch = batch.ToHashSet(StringComparer.Ordinal);
        long seed = ((((config.PolicyOrDefault.Seed * 1_000_003L) + iteration) * 1_009L) + round) ^ 0x5DEECE66DL;
        string[] candidates = await set.SampleAsync((int)Math.Min(size, batch.Length + refill), seed);
        string[] fresh = [.. candidates.Where(id => !inBatch.Contains(id)).Take(refill)];
        int n = config.Stage1Samples;
        return (
            [.. batch, .. fresh],
            [.. spent, .. fresh.Select(_ => n)],
            [.. new int[batch.Length], .. fresh.Select(_ => n)]);
    }

    // Responses drawn and accepted per prompt in this iteration so far, both stages, as the queue recorded them.
    private async Task<Dictionary<string, (int Drawn, int Accepted)>> IterationCountsAsync(int iteration) =>
        (await IterationRecordsAsync(iteration)).ToDictionary(p => p.Key, p => (p.Value.Drawn, p.Value.Accepted), StringComparer.Ordinal);

    /// <summary>
    /// Per prompt of this iteration so far, from the queue's records of both stages: responses drawn
    /// and accepted, the estimate recording its stage-1 results left behind (the latest: an
    /// estimate of one draw only grows; a prompt without stage-1 results here, e.g. a reused
    /// estimate, takes the one its stage-2 results saw), and its lifetime samples after its last
    /// recorded results.
    /// </summary>
    private async Task<Dictionary<string, IterationRecord>> IterationRecordsAsync(int iteration)
    {
        var estimate = await Queue.GetItemsAsync(iteration, RolloutStage.Estimate);
        var sample = await Queue.GetItemsAsync(iteration, RolloutStage.Sample);
        var stage1 = estimate.Where(i => i.CompletedBy is not null).ToLookup(i => i.PromptId, StringComparer.Ordinal);
        return estimate.Concat(sample)
            .GroupBy(i => i.PromptId, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => new IterationRecord(
                    g.Sum(i => i.Drawn),
                    g.Sum(i => i.Accepted),
                    Latest(stage1[g.Key]) ?? Latest(g.Where(i => i.CompletedBy is not null)),
                    g.Where(i => i.CompletedBy is not null).Select(i => (long?)i.SamplesSpent).Max()),
                StringComparer.Ordinal);
    }

    private static PromptEstimate? Latest(IEnumerable<Rollouts.WorkItemRecord> completed) =>
        completed.Select(i => i.Estimate).Where(e => e is not null).MaxBy(e => e!.Samples);

    private readonly record struct IterationRecord(int Drawn, int Accepted, PromptEstimate? Estimate, long? SamplesSpent);
}
