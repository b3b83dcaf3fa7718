using Orleans.GvmRaft.Client.External;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Tests.Runs;

/// <summary>
/// The allocators that draw stage 2 in rounds (Ada, DAPO) and the rollout limit, driven on the
/// in-process cluster over an external policy whose rewards the test scripts: what each round
/// asks for, when sampling stops, and that the budget is never overspent.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OnlineAllocatorTests(ClusterFixture fixture)
{
    [Fact]
    public async Task AdaDrawsRoundsOnlyForPromptsWithoutSignalUntilTheyHaveIt()
    {
        // n0 = 4, k = 2. Prompt 0 accepts everything (4 accepted ≥ k: leaves), prompt 1 one of four
        // (both kinds: leaves), prompt 2 nothing until its third round, which is all accepted: it
        // draws rounds 1, 2 and 3 of 4 each and then has both kinds. 28 of the 40 are left unspent.
        var (set, ids) = await ImportAsync(3);
        var final = await RunAsync(
            new RunConfig(Allocator: AllocatorKind.Ada, Budget: 40, BatchSize: 3, Stage1Samples: 4, RoundSamples: 4, EnoughAccepted: 2, Iterations: 1, PromptSet: set, Policy: ScriptedRuns.External),
            (item, _) =>
            {
                int index = Array.IndexOf(ids, item.PromptId);
                int[] rewards = index switch
                {
                    0 => [.. Enumerable.Repeat(1, item.Count)],
                    1 => [1, .. new int[item.Count - 1]],
                    _ => [.. Enumerable.Repeat(item.ItemId.EndsWith("/r3", StringComparison.Ordinal) ? 1 : 0, item.Count)],
                };
                return ExternalWorker.Results(item, rewards, []);
            });

        var items = await fixture.Client.GetGrain<IRolloutQueueGrain>(final.RunId).GetItemsAsync(1, RolloutStage.Sample);
        Assert.All(items, i => Assert.Equal((ids[2], 4), (i.PromptId, i.Count)));
        Assert.Equal(3, items.Select(i => i.ItemId).Distinct().Count());

        var h = Assert.Single(final.History);
        Assert.Equal(("Rounds", 3, 3 * 4 + 12, 12), (h.Outcome, h.Rounds, h.Attempts, h.MaxSamples));
        Assert.Equal([2, 0, 0, 0, 0, 1, 0, 0], h.Histogram!);
        Assert.Equal(12, (await Prompt(ids[2]).GetSnapshotAsync())!.LastAllocation!.Samples);
    }

    [Fact]
    public async Task AdaSpendsExactlyTheBudgetOnPromptsThatNeverSucceed()
    {
        // Nothing is ever accepted: both prompts stay active; N = 20 in rounds of at most 8 each
        // → 8 + 8, then the last 4 split 2 + 2.
        var (set, _) = await ImportAsync(2);
        var final = await RunAsync(
            new RunConfig(Allocator: AllocatorKind.Ada, Budget: 20, BatchSize: 2, Stage1Samples: 2, RoundSamples: 8, Iterations: 1, PromptSet: set, Policy: ScriptedRuns.External),
            (item, _) => ExternalWorker.Results(item, new int[item.Count], []));

        var items = await fixture.Client.GetGrain<IRolloutQueueGrain>(final.RunId).GetItemsAsync(1, RolloutStage.Sample);
        Assert.Equal(20, items.Sum(i => i.Count));
        Assert.Equal([2, 2, 8, 8], items.Select(i => i.Count).Order());
        var h = Assert.Single(final.History);
        Assert.Equal((2, 2 * 2 + 20, 2), (h.Rounds, h.Attempts, h.EqualRewardGroups));
    }

    [Fact]
    public async Task DapoDropsEqualRewardGroupsAndRefillsThemWithFreshPromptsWithinTheBudget()
    {
        // GRPO, B = 4 of a set of 10, groups of n0 = 4. No group is ever informative, so every group
        // of the batch is dropped; the refill budget N = 8 pays for two fresh groups, then it is spent.
        var (set, ids) = await ImportAsync(10);
        var final = await RunAsync(
            new RunConfig(Algorithm: TrainingAlgorithm.Grpo, Allocator: AllocatorKind.Dapo, Budget: 8, BatchSize: 4, Stage1Samples: 4, Iterations: 1, PromptSet: set, Policy: ScriptedRuns.External),
            (item, _) => ExternalWorker.Results(item, new int[item.Count], []));

        var queue = fixture.Client.GetGrain<IRolloutQueueGrain>(final.RunId);
        var batch = (await queue.GetItemsAsync(1, RolloutStage.Estimate)).Select(i => i.PromptId).ToHashSet();
        var refills = await queue.GetItemsAsync(1, RolloutStage.Sample);
        Assert.Equal(4, batch.Count);
        Assert.Equal(2, refills.Length);
        Assert.All(refills, r => Assert.Equal(4, r.Count));
        Assert.All(refills, r => Assert.DoesNotContain(r.PromptId, batch));
        Assert.Subset(ids.ToHashSet(), refills.Select(r => r.PromptId).ToHashSet());

        var h = Assert.Single(final.History);
        Assert.Equal(("Refill", 6, 16 + 8, 6), (h.Outcome, h.Prompts, h.Attempts, h.EqualRewardGroups));
    }

    [Fact]
    public async Task DapoRefillsNothingWhenTheBatchHasEnoughInformativeGroups()
    {
        // Every group has one accepted response of four: all B = 4 groups are informative, so
        // nothing is refilled and the refill budget stays unspent.
        var (set, _) = await ImportAsync(8);
        var final = await RunAsync(
            new RunConfig(Algorithm: TrainingAlgorithm.Grpo, Allocator: AllocatorKind.Dapo, Budget: 16, BatchSize: 4, Stage1Samples: 4, Iterations: 2, PromptSet: set, Policy: ScriptedRuns.External),
            (item, _) => ExternalWorker.Results(item, [1, .. new int[item.Count - 1]], []));

        Assert.All(final.History, h => Assert.Equal((4, 16, 0), (h.Prompts, h.Attempts, h.EqualRewardGroups)));
        Assert.Empty(await fixture.Client.GetGrain<IRolloutQueueGrain>(final.RunId).GetItemsAsync(1, RolloutStage.Sample));
    }

    [Fact]
    public async Task ARunWithARolloutLimitEndsAtTheFirstIterationThatReachesIt()
    {
        // 2 × 2 + 6 = 10 rollouts per iteration; a limit of 25 ends the run after iteration 3 (30),
        // long before its 50 iterations.
        var (set, _) = await ImportAsync(2);
        var final = await RunAsync(
            new RunConfig(Allocator: AllocatorKind.Uniform, Budget: 6, BatchSize: 2, Stage1Samples: 2, Iterations: 50, MaxRollouts: 25, PromptSet: set, Policy: ScriptedRuns.External),
            (item, _) => ExternalWorker.Results(item, new int[item.Count], []));

        Assert.Equal((RunPhase.Completed, 3, 30L), (final.Phase, final.History.Count, final.Samples));
    }

    [Fact]
    public void DapoIsRefusedWithoutGrpoAndRoundSettingsAreChecked()
    {
        var dapo = Assert.Throws<ArgumentException>(() => new RunConfig(Allocator: AllocatorKind.Dapo).Validate());
        Assert.Contains("allocator", dapo.Message, StringComparison.Ordinal);
        Assert.Contains("grpo", dapo.Message, StringComparison.Ordinal);
        Assert.Contains("roundSamples", Assert.Throws<ArgumentException>(() => new RunConfig(RoundSamples: 0).Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("enoughAccepted", Assert.Throws<ArgumentException>(() => new RunConfig(EnoughAccepted: 0).Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("maxRollouts", Assert.Throws<ArgumentException>(() => new RunConfig(MaxRollouts: -1).Validate()).Message, StringComparison.Ordinal);
    }

    private IPromptGrain Prompt(string id) => fixture.Client.GetGrain<IPromptGrain>(id);

    private Task<(string Set, string[] Ids)> ImportAsync(int count) => ScriptedRuns.ImportAsync(fixture.Client, count);

    private Task<RunSnapshot> RunAsync(RunConfig config, Func<RolloutWorkItem, PromptDefinition, ItemResults> rollouts) =>
        ScriptedRuns.RunAsync(fixture.Client, config, rollouts);
}
