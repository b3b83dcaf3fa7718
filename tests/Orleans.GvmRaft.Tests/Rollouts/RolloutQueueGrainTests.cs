using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;

namespace Orleans.GvmRaft.Tests.Rollouts;

[Collection(ClusterCollection.Name)]
public sealed class RolloutQueueGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task WorkersClaimDistinctItemsInOrder()
    {
        var (queue, items) = await QueueWithItemsAsync(3);
        var first = await queue.ClaimAsync("worker-a", 2);
        var second = await queue.ClaimAsync("worker-b", 5);
        Assert.Equal(items.Take(2).Select(i => i.ItemId), first.Select(l => l.Item.ItemId));
        Assert.Equal([items[2].ItemId], second.Select(l => l.Item.ItemId));
        Assert.Empty(await queue.ClaimAsync("worker-c", 5));
        Assert.All(first.Concat(second), l => Assert.Equal(1, l.Attempt));

        await queue.EnqueueAsync([.. items]);
        Assert.Empty(await queue.ClaimAsync("worker-c", 5));
    }

    [Fact]
    public async Task AnExpiredLeaseIsIssuedAgainAndTheFirstResultsWin()
    {
        var (queue, items) = await QueueWithItemsAsync(1);
        var item = items[0];
        var lease = Assert.Single(await queue.ClaimAsync("worker-dies", 1));
        Assert.Empty(await queue.ClaimAsync("worker-b", 1));

        // The fixture's lease is one second.
        await Task.Delay(TimeSpan.FromMilliseconds(1300));
        var reissued = Assert.Single(await queue.ClaimAsync("worker-b", 1));
        Assert.Equal(item.ItemId, reissued.Item.ItemId);
        Assert.Equal(2, reissued.Attempt);
        Assert.True(reissued.ExpiresAt > lease.ExpiresAt);

        Assert.Equal(CompletionDisposition.Accepted, await queue.CompleteAsync(item.ItemId, "worker-b", Report(item, accepted: 3)));
        Assert.Equal(CompletionDisposition.Duplicate, await queue.CompleteAsync(item.ItemId, "worker-dies", Report(item, accepted: 1)));

        var stats = (await Prompt(item.PromptId).GetSnapshotAsync())!.Statistics;
        Assert.Equal(item.Count, stats.Attempts);
        Assert.Equal(3, stats.Acceptances);
        var progress = await queue.GetProgressAsync(item.Iteration, item.Stage);
        // Only the winning results count towards the iteration's totals: 3 of the item's 8.
        Assert.Equal((0, 0, 1, 1, item.Count, 3), Counts(progress));
        Assert.Empty(progress.LeasedBy!);
        Assert.True(progress.Done);
    }

    [Fact]
    public async Task ADuplicateResultIsCountedOnce()
    {
        var (queue, items) = await QueueWithItemsAsync(2);
        await queue.ClaimAsync("worker-a", 2);
        var report = Report(items[0], accepted: 2);
        Assert.Equal(CompletionDisposition.Accepted, await queue.CompleteAsync(items[0].ItemId, "worker-a", report));
        Assert.Equal(CompletionDisposition.Duplicate, await queue.CompleteAsync(items[0].ItemId, "worker-a", report));
        Assert.Equal(items[0].Count, (await Prompt(items[0].PromptId).GetSnapshotAsync())!.Statistics.Attempts);
        var progress = await queue.GetProgressAsync(1, RolloutStage.Estimate);
        Assert.Equal((0, 1, 1, 0, items[0].Count, 2), Counts(progress));
        Assert.Equal(["worker-a"], progress.LeasedBy!);
    }

    [Fact]
    public async Task ResultsThatDoNotFitTheItemAreRefusedAndChangeNothing()
    {
        var (queue, items) = await QueueWithItemsAsync(1);
        var item = items[0];
        var early = await Assert.ThrowsAsync<InvalidOperationException>(() => queue.CompleteAsync(item.ItemId, "w", Report(item, 1)));
        Assert.Contains("never claimed", early.Message);

        await queue.ClaimAsync("w", 1);
        var wrongCount = Report(item, 1) with { Attempts = item.Count + 1 };
        await Assert.ThrowsAsync<ArgumentException>(() => queue.CompleteAsync(item.ItemId, "w", wrongCount));
        var invalid = Report(item, 1) with { GradNorms = [double.NaN] };
        await Assert.ThrowsAsync<ArgumentException>(() => queue.CompleteAsync(item.ItemId, "w", invalid));
        await Assert.ThrowsAsync<ArgumentException>(() => queue.CompleteAsync("no-such-item", "w", Report(item, 1)));

        Assert.Equal(0, (await Prompt(item.PromptId).GetSnapshotAsync())!.Statistics.Attempts);
        Assert.Equal(CompletionDisposition.Accepted, await queue.CompleteAsync(item.ItemId, "w", Report(item, 1)));
    }

    [Fact]
    public async Task TheTrainerGetsTheWinningResponsesOnly()
    {
        var (queue, items) = await QueueWithItemsAsync(2);
        await queue.ClaimAsync("w", 2);
        var item = items[0];
        int[] rewards = [1, 1, 0, 0, 0, 0, 0, 0];
        var responses = new RolloutResponses(item.ItemId, item.PromptId, [5, 6], [.. Enumerable.Range(0, 8).Select(i => new[] { i })], rewards);

        // Responses must match the item and the report: rewards that disagree with the report's
        // acceptances are refused, and nothing is recorded.
        var disagreeing = responses with { Rewards = [1, 0, 0, 0, 0, 0, 0, 0] };
        await Assert.ThrowsAsync<ArgumentException>(() => queue.CompleteAsync(item.ItemId, "w", Report(item, 2), disagreeing));
        Assert.Empty(await queue.GetResponsesAsync(1));

        Assert.Equal(CompletionDisposition.Accepted, await queue.CompleteAsync(item.ItemId, "w", Report(item, 2), responses));
        var late = responses with { Rewards = [.. Enumerable.Repeat(1, 8)] };
        Assert.Equal(CompletionDisposition.Duplicate, await queue.CompleteAsync(item.ItemId, "late", Report(item, 8), late));

        var kept = Assert.Single(await queue.GetResponsesAsync(1));
        Assert.Equal(rewards, kept.Rewards);
        Assert.Empty(await queue.GetResponsesAsync(2));
    }

    private static (int, int, int, int, int, int) Counts(QueueProgress p) =>
        (p.Pending, p.Leased, p.Completed, p.Reissued, p.Attempts, p.Acceptances);

    private IPromptGrain Prompt(string id) => fixture.Client.GetGrain<IPromptGrain>(id);

    private async Task<(IRolloutQueueGrain Queue, RolloutWorkItem[] Items)> QueueWithItemsAsync(int count)
    {
        string runId = $"run-{Guid.NewGuid():N}";
        var items = new RolloutWorkItem[count];
        for (int i = 0; i < count; i++)
        {
            string promptId = $"{runId}-p{i}";
            await Prompt(promptId).DefineAsync(new PromptDefinition(promptId, $"problem {i}", "1", VerifierKinds.Exact));
            items[i] = new RolloutWorkItem($"{runId}/1/estimate/{promptId}", runId, promptId, 1, RolloutStage.Estimate, 8, 0);
        }

        var queue = fixture.Client.GetGrain<IRolloutQueueGrain>(runId);
        await queue.EnqueueAsync(items);
        return (queue, items);
    }

    private static RolloutReport Report(RolloutWorkItem item, int accepted) =>
        new(item.ItemId, item.RunId, item.Iteration, item.PolicyVersion, item.Stage, item.Count, accepted, [.. Enumerable.Repeat(1.0, accepted)]);
}
