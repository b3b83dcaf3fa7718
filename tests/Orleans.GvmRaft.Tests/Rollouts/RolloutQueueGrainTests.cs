using Orleans.GvmRaft.Client.External;
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
    public async Task AShardThatRestartsForgetsItsUnwrittenLeasesAndTheHoldersResultsStillCount()
    {
        // A claim writes nothing: the shard restarted within the (one-second) lease shows the item
        // unclaimed; the worker that held it gets it back by renewing, and its results count.
        var (queue, items) = await QueueWithItemsAsync(1);
        var item = items[0];
        Assert.Single(await queue.ClaimAsync("worker-a", 1));
        var shard = fixture.Client.GetGrain<IRolloutShardGrain>($"{item.RunId}/1/{item.Stage}/0");
        var held = Assert.Single(await shard.GetItemsAsync());
        Assert.Equal(("worker-a", 1), (held.LeasedTo, held.Leases));
        await fixture.Cluster.DeactivateAsync(shard);
        await fixture.Cluster.WaitForDeactivationAsync(shard);
        var restarted = Assert.Single(await shard.GetItemsAsync());
        Assert.Equal(((string?)null, 0), (restarted.LeasedTo, restarted.Leases));

        // The holder's next renewal takes the lease back: nobody else claimed the item meanwhile.
        Assert.Equal([item.ItemId], await queue.RenewAsync("worker-a", [item.ItemId]));
        var renewed = Assert.Single(await shard.GetItemsAsync());
        Assert.Equal(("worker-a", 1), (renewed.LeasedTo, renewed.Leases));
        Assert.Empty(await queue.RenewAsync("worker-b", [item.ItemId]));

        Assert.Equal(CompletionDisposition.Accepted, await queue.CompleteAsync(item.ItemId, "worker-a", Report(item, accepted: 2)));
        Assert.Equal(CompletionDisposition.Duplicate, await queue.CompleteAsync(item.ItemId, "worker-b", Report(item, accepted: 5)));
        Assert.Equal((0, 0, 1, 0, item.Count, 2), Counts(await queue.GetProgressAsync(item.Iteration, item.Stage)));
        Assert.Equal(2, (await Prompt(item.PromptId).GetSnapshotAsync())!.Statistics.Acceptances);

        // A shard that never restarted still refuses results for an item nobody claimed.
        var (fresh, freshItems) = await QueueWithItemsAsync(1);
        var never = await Assert.ThrowsAsync<InvalidOperationException>(() => fresh.CompleteAsync(freshItems[0].ItemId, "worker-c", Report(freshItems[0], accepted: 1)));
        Assert.Contains("never claimed", never.Message);
    }

    [Fact]
    public async Task WorkThatOutlastsItsLeaseIsDrawnOnceWhileTheLeaseIsRenewed()
    {
        // The fixture's lease is one second; the policy here takes three. Without renewal another
        // worker claims the item after one second (AnExpiredLeaseIsIssuedAgainAndTheFirstResultsWin).
        // The policy blocks a pool thread while it draws, and other tests run beside this one on
        // two cores: threads start at once when needed, so the renewal is not left waiting for one.
        ThreadPool.GetMinThreads(out int workerThreads, out int ioThreads);
        ThreadPool.SetMinThreads(Math.Max(workerThreads, 32), ioThreads);
        var (queue, items) = await QueueWithItemsAsync(1);
        var item = items[0];
        int draws = 0;
        var slow = new ExternalWorker(fixture.Client, item.RunId, (work, _) =>
        {
            Interlocked.Increment(ref draws);
            Thread.Sleep(TimeSpan.FromSeconds(3));
            return ExternalWorker.Results(work, [1, 1, 0, 0, 0, 0, 0, 0], [1.0, 1.0]);
        }, workerId: "worker-slow");
        var draining = Task.Run(slow.DrainAsync);
        while ((await queue.GetItemsAsync(item.Iteration, item.Stage))[0].LeasedTo is null)
        {
            await Task.Delay(10);
        }

        var rival = new List<RolloutLease>();
        while (!draining.IsCompleted)
        {
            rival.AddRange(await queue.ClaimAsync("worker-rival", 1));
            await Task.Delay(100);
        }

        Assert.True(await draining);
        Assert.Empty(rival);
        Assert.Equal(1, draws);
        var record = Assert.Single(await queue.GetItemsAsync(item.Iteration, item.Stage));
        Assert.Equal(1, record.Leases);
        Assert.Equal("worker-slow", record.CompletedBy);
        Assert.Equal(item.Count, (await Prompt(item.PromptId).GetSnapshotAsync())!.Statistics.Attempts);
    }

    [Fact]
    public async Task OnlyTheHoldersOpenLeasesAreRenewed()
    {
        var (queue, items) = await QueueWithItemsAsync(2);
        var lease = Assert.Single(await queue.ClaimAsync("worker-a", 1));
        string held = lease.Item.ItemId, unclaimed = items[1].ItemId;

        Assert.Empty(await queue.RenewAsync("worker-b", [held]));
        Assert.Equal([held], await queue.RenewAsync("worker-a", [held, unclaimed, "no-such-item"]));
        var renewed = Assert.Single(await queue.GetItemsAsync(1, RolloutStage.Estimate), i => i.ItemId == held);
        Assert.Equal("worker-a", renewed.LeasedTo);

        // A renewal extends the lease from now: past the first expiry, nobody else can claim it.
        await Task.Delay(TimeSpan.FromMilliseconds(700));
        Assert.Equal([held], await queue.RenewAsync("worker-a", [held]));
        await Task.Delay(TimeSpan.FromMilliseconds(700));
        Assert.Equal([unclaimed], (await queue.ClaimAsync("worker-b", 2)).Select(l => l.Item.ItemId));

        // Done is done: nothing to renew.
        await queue.CompleteAsync(held, "worker-a", Report(lease.Item, accepted: 1));
        Assert.Empty(await queue.RenewAsync("worker-a", [held]));
    }

    [Fact]
    public async Task TheOldestLeaseIsTheEarliestClaimStillHeld()
    {
        var (queue, items) = await QueueWithItemsAsync(2);
        Assert.Null((await queue.GetProgressAsync(1, RolloutStage.Estimate)).OldestLeaseSince);

        var before = DateTimeOffset.UtcNow;
        await queue.ClaimAsync("worker-a", 1);
        var after = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromMilliseconds(50));
        var secondBefore = DateTimeOffset.UtcNow;
        await queue.ClaimAsync("worker-b", 1);
        var secondAfter = DateTimeOffset.UtcNow;
        Assert.InRange((await queue.GetProgressAsync(1, RolloutStage.Estimate)).OldestLeaseSince!.Value, before, after);

        // The first item done, the second claim is the oldest; both done, there is none.
        await queue.CompleteAsync(items[0].ItemId, "worker-a", Report(items[0], accepted: 1));
        Assert.InRange((await queue.GetProgressAsync(1, RolloutStage.Estimate)).OldestLeaseSince!.Value, secondBefore, secondAfter);
        await queue.CompleteAsync(items[1].ItemId, "worker-b", Report(items[1], accepted: 1));
        Assert.Null((await queue.GetProgressAsync(1, RolloutStage.Estimate)).OldestLeaseSince);
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

    // The fixture's shards hold 3 items: 7 items of a stage sit in shards of 3, 3 and 1.
    [Fact]
    public async Task WorkSpreadOverShardsIsClaimedInOrderAndABadBatchCountsNowhere()
    {
        var (queue, items) = await QueueWithItemsAsync(7);
        var first = await queue.ClaimAsync("a", 5);
        var second = await queue.ClaimAsync("b", 5);
        Assert.Equal(items.Take(5).Select(i => i.ItemId), first.Select(l => l.Item.ItemId));
        Assert.Equal(items.Skip(5).Select(i => i.ItemId), second.Select(l => l.Item.ItemId));
        Assert.Empty(await queue.ClaimAsync("c", 5));

        // One bad result (item 4, second shard) refuses the whole batch, first shard included.
        var batch = first.Select(l => new ItemResults(l.Item.ItemId, Report(l.Item, 1), null)).ToArray();
        batch[4] = batch[4] with { Report = batch[4].Report with { Attempts = 1 } };
        await Assert.ThrowsAsync<ArgumentException>(() => queue.CompleteManyAsync("a", batch));
        Assert.Equal((0, 7, 0, 0, 0, 0), Counts(await queue.GetProgressAsync(1, RolloutStage.Estimate)));
        Assert.Equal(0, (await Prompt(items[0].PromptId).GetSnapshotAsync())!.Statistics.Attempts);

        batch[4] = new ItemResults(items[4].ItemId, Report(items[4], 1), null);
        Assert.All(await queue.CompleteManyAsync("a", batch), d => Assert.Equal(CompletionDisposition.Accepted, d));
        var progress = await queue.GetProgressAsync(1, RolloutStage.Estimate);
        Assert.Equal((0, 2, 5, 0, 40, 5), Counts(progress));
        Assert.Equal(["b"], progress.LeasedBy!);
        foreach (var item in items)
        {
            Assert.Equal(item == items[5] || item == items[6] ? 0 : 8, (await Prompt(item.PromptId).GetSnapshotAsync())!.Statistics.Attempts);
        }
    }

    [Fact]
    public async Task ResponsesComeInEnqueueOrderAndOldIterationsAreDropped()
    {
        var (queue, items) = await QueueWithItemsAsync(5);
        await queue.ClaimAsync("w", 5);
        var results = items.Reverse().Select(i => new ItemResults(i.ItemId, Report(i, 0), Responses(i))).ToArray();
        await queue.CompleteManyAsync("w", results);
        Assert.Equal(items.Select(i => i.ItemId), (await queue.GetResponsesAsync(1)).Select(r => r.ItemId));

        // Enqueueing iteration 3 drops iteration 1 (iteration 2 would stay for its trainer).
        var later = items[0] with { ItemId = $"{items[0].RunId}/3/estimate/{items[0].PromptId}", Iteration = 3 };
        await queue.EnqueueAsync([later]);
        Assert.Empty(await queue.GetResponsesAsync(1));
        Assert.Equal((1, 0, 0, 0, 0, 0), Counts(await queue.GetProgressAsync(3, RolloutStage.Estimate)));
        await Assert.ThrowsAsync<ArgumentException>(() => queue.CompleteAsync(items[0].ItemId, "w", Report(items[0], 0)));
    }

    private static RolloutResponses Responses(RolloutWorkItem item) =>
        new(item.ItemId, item.PromptId, [1], [.. Enumerable.Range(0, item.Count).Select(i => new[] { i })], [.. Enumerable.Repeat(0, item.Count)]);

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
