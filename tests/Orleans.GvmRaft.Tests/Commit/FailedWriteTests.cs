using Orleans.GvmRaft.Client.External;
using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Index;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.PromptSets;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Tests.Workers;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Tests.Commit;

/// <summary>
/// Every grain that persists state, with one storage write made to fail: the call fails, the state
/// the grain shows afterwards is the persisted one (what a fresh activation reads), and a retry
/// does the work once. Each would see the failed change if memory ran ahead of storage.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FailedWriteTests(ClusterFixture fixture)
{
    [Fact]
    public async Task APromptCountsAReportWhoseWriteFailedOnceItIsRetried()
    {
        var prompt = await DefinedPromptAsync();
        var report = new RolloutReport("r-1", "run", 1, 0, RolloutStage.Estimate, 8, 3, [1.0, 2.0]);
        await FailNextWriteAsync(prompt, () => prompt.RecordRolloutsAsync(report));
        Assert.Equal(0, (await prompt.GetSnapshotAsync())!.Statistics.Attempts);
        Assert.Null(await prompt.GetEstimateAsync());

        // Not taken for a duplicate: the report id of the failed write was not kept either.
        Assert.Equal(ReportDisposition.Applied, await prompt.RecordRolloutsAsync(report));
        Assert.Equal((8, 3), Counts((await prompt.GetSnapshotAsync())!));
        await AssertSameAfterReactivationAsync(prompt, async () => Counts((await prompt.GetSnapshotAsync())!));
    }

    [Fact]
    public async Task AReportStoredByAWriteThatStillFailedIsShownAndCountedOnce()
    {
        // The outcome of the write is unknown to the grain (it was stored, then the call failed):
        // reading the state back shows what is stored, with its version, so the retry is a
        // duplicate and the next report writes without a version conflict.
        var prompt = await DefinedPromptAsync();
        var report = new RolloutReport("r-1", "run", 1, 0, RolloutStage.Estimate, 8, 3, [1.0, 2.0]);
        await FailNextWriteAsync(prompt, () => prompt.RecordRolloutsAsync(report), afterWriting: true);
        Assert.Equal((8, 3), Counts((await prompt.GetSnapshotAsync())!));
        Assert.Equal(ReportDisposition.Duplicate, await prompt.RecordRolloutsAsync(report));
        Assert.Equal(ReportDisposition.Applied, await prompt.RecordRolloutsAsync(report with { ReportId = "r-2" }));
        Assert.Equal((16, 6), Counts((await prompt.GetSnapshotAsync())!));
    }

    [Fact]
    public async Task APauseWhoseWriteFailedLeavesTheRunRunningAndItFinishes()
    {
        string set = $"commit-{Guid.NewGuid():N}"[..20];
        var prompts = Enumerable.Range(0, 2).Select(i => new PromptDefinition($"{set}-{i}", "1+1=", "2", VerifierKinds.Exact)).ToList();
        await new PromptImporter(fixture.Client).ImportAsync(prompts, set: set);
        string runId = $"commit-{Guid.NewGuid():N}";
        var run = fixture.Client.GetGrain<ITrainingRunGrain>(runId);
        await run.CreateAsync(new RunConfig(Budget: 2, BatchSize: 2, Stage1Samples: 2, Iterations: 2, PromptSet: set, Policy: new PolicySettings(Preset: PolicySettings.External)));
        await run.StartAsync();

        // Waiting on stage 1 (nobody serves it yet), the run writes nothing: the pause's write is the one that fails.
        while ((await run.GetSnapshotAsync())!.Step != IterationStep.Estimate)
        {
            await Task.Delay(20);
        }

        await FailNextWriteAsync(run, run.PauseAsync);
        Assert.Equal(RunPhase.Running, (await run.GetSnapshotAsync())!.Phase);
        var final = await new ExternalWorker(fixture.Client, runId, (item, _) => ExternalWorker.Results(item, new int[item.Count], [])).RunAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal((RunPhase.Completed, 2 * (4 + 2L)), (final.Phase, final.Samples));
    }

    [Fact]
    public async Task APromptDefinitionThatFailedToWriteIsNotThere()
    {
        string id = $"commit-{Guid.NewGuid():N}";
        var prompt = fixture.Client.GetGrain<IPromptGrain>(id);
        await FailNextWriteAsync(prompt, () => prompt.DefineAsync(new PromptDefinition(id, "1+1=", "2", VerifierKinds.Exact)));
        Assert.Null(await prompt.GetDefinitionAsync());
        Assert.Equal(DefineOutcome.Created, await prompt.DefineAsync(new PromptDefinition(id, "1+1=", "2", VerifierKinds.Exact)));
    }

    [Fact]
    public async Task ARunShowsItsStoredStepAfterAFailedWrite()
    {
        var run = fixture.Client.GetGrain<ITrainingRunGrain>($"commit-{Guid.NewGuid():N}");
        var config = new RunConfig(Budget: 4, BatchSize: 2, PromptSet: "commit-never-started");
        await FailNextWriteAsync(run, () => run.CreateAsync(config));
        Assert.Null(await run.GetSnapshotAsync());
        Assert.Equal(RunPhase.Created, (await run.CreateAsync(config)).Phase);
    }

    [Fact]
    public async Task APromptSetKeepsItsStoredSizeAfterAFailedWrite()
    {
        string name = $"commit-{Guid.NewGuid():N}"[..20];
        var set = fixture.Client.GetGrain<IPromptSetGrain>(name);
        await FailNextWriteAsync(set, () => set.AppendAsync(["a", "b", "c"]));
        Assert.Equal(0, await set.GetCountAsync());
        Assert.Equal(3, await set.AppendAsync(["a", "b", "c"]));
        await AssertSameAfterReactivationAsync(set, set.GetCountAsync);
    }

    [Fact]
    public async Task APromptSetShardKeepsItsStoredIdsAfterAFailedWrite()
    {
        var shard = fixture.Client.GetGrain<IPromptSetShardGrain>($"commit-{Guid.NewGuid():N}/0");
        await shard.WriteAsync(0, ["a"]);
        await FailNextWriteAsync(shard, () => shard.WriteAsync(1, ["b", "c"]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => shard.GetAsync([1]));
        Assert.Equal(["a"], await shard.GetAsync([0]));
    }

    [Fact]
    public async Task AnIndexShardKeepsItsStoredEntriesAfterAFailedWrite()
    {
        var shard = fixture.Client.GetGrain<IPromptIndexGrain>($"commit-{Guid.NewGuid():N}");
        await shard.UpsertAsync([new PromptIndexEntry("p1", 1, 4, 0.5, 1.0, 8)]);
        await FailNextWriteAsync(shard, () => shard.UpsertAsync([new PromptIndexEntry("p1", 2, 9, 0.5, 1.0, 20), new PromptIndexEntry("p2", 2, 1, 0.1, 1.0, 4)]));
        var (top, count) = await shard.TopAsync(PromptRanking.Samples, 5);
        Assert.Equal(1, count);
        Assert.Equal((1, 8L), (top[0].Iteration, top[0].Samples));
    }

    [Fact]
    public async Task AQueueWhoseIndexWriteFailedListsNothingUntilTheEnqueueIsRetried()
    {
        var (queue, items) = await QueueAsync(4);
        await FailNextWriteAsync(queue, () => queue.EnqueueAsync(items));
        Assert.Equal(0, Total(await queue.GetProgressAsync(1, RolloutStage.Estimate)));
        Assert.Empty(await queue.ClaimAsync("w", 10));

        await queue.EnqueueAsync(items);
        Assert.Equal(4, Total(await queue.GetProgressAsync(1, RolloutStage.Estimate)));
        Assert.Equal(4, (await queue.ClaimAsync("w", 10)).Length);
    }

    [Fact]
    public async Task AClaimWritesNothingAndAFailedCompletionForgetsTheLeaseNotTheResults()
    {
        var (queue, items) = await QueueAsync(1);
        var item = items[0];
        await queue.EnqueueAsync(items);
        var shard = fixture.Client.GetGrain<IRolloutShardGrain>($"{item.RunId}/1/Estimate/0");

        // Leases live in memory: the failure armed before the claim is still armed after it.
        FaultInjectingStorage.FailWrites(shard.GetGrainId());
        Assert.Equal(1, Assert.Single(await queue.ClaimAsync("w", 1)).Attempt);
        Assert.True(FaultInjectingStorage.IsArmed(shard.GetGrainId()), "the claim wrote");

        // The results' first write fails: the shard reads back what is stored, without the lease.
        var report = new RolloutReport(item.ItemId, item.RunId, 1, 0, RolloutStage.Estimate, 2, 1, [1.0]);
        var e = await Assert.ThrowsAnyAsync<Exception>(() => queue.CompleteAsync(item.ItemId, "w", report));
        Assert.Contains("injected write failure", e.ToString());
        var forgotten = Assert.Single(await queue.GetItemsAsync(1, RolloutStage.Estimate));
        Assert.Equal((0, (string?)null, (string?)null), (forgotten.Leases, forgotten.LeasedTo, forgotten.CompletedBy));

        // The worker sends its results again: they are the item's, and count once.
        Assert.Equal(CompletionDisposition.Accepted, await queue.CompleteAsync(item.ItemId, "w", report));
        Assert.Equal(CompletionDisposition.Duplicate, await queue.CompleteAsync(item.ItemId, "w", report));
        Assert.Equal("w", Assert.Single(await queue.GetItemsAsync(1, RolloutStage.Estimate)).CompletedBy);
        Assert.Equal((2L, 1L), Counts((await fixture.Client.GetGrain<IPromptGrain>(item.PromptId).GetSnapshotAsync())!));
    }

    /// <summary>
    /// The completion of an item is three steps: the shard writes the results to its outbox
    /// (Pending), the prompt records them, the shard writes the item Completed. A write fails at
    /// each step, before or after it reached storage; the worker sends the same results again
    /// until it is answered. Three accounts must then agree, each counting the results once: the
    /// worker's (what it was told was accepted), the queue's and the prompt's.
    /// </summary>
    [Theory]
    [InlineData("outbox", false)]
    [InlineData("outbox", true)]
    [InlineData("prompt", false)]
    [InlineData("prompt", true)]
    [InlineData("completed", false)]
    [InlineData("completed", true)]
    public async Task ACompletionThatFailsAtAnyStepCountsItsResultsOnceWhenSentAgain(string step, bool afterWriting)
    {
        var (queue, items) = await QueueAsync(1);
        var item = items[0];
        await queue.EnqueueAsync(items);
        Assert.Single(await queue.ClaimAsync("w", 1));
        var shard = fixture.Client.GetGrain<IRolloutShardGrain>($"{item.RunId}/1/Estimate/0");
        var prompt = fixture.Client.GetGrain<IPromptGrain>(item.PromptId);
        var failing = step == "prompt" ? prompt.GetGrainId() : shard.GetGrainId();
        FaultInjectingStorage.FailWrites(failing, afterWriting: afterWriting, skip: step == "completed" ? 1 : 0);

        var report = new RolloutReport(item.ItemId, item.RunId, 1, 0, RolloutStage.Estimate, 2, 1, [1.0]);
        var answers = new List<CompletionDisposition>();
        for (int send = 0; send < 3; send++)
        {
            try
            {
                answers.Add(await queue.CompleteAsync(item.ItemId, "w", report));
            }
            catch (Exception e) when (e.ToString().Contains("injected write failure", StringComparison.Ordinal))
            {
                Assert.Equal(0, send);
            }
        }

        Assert.False(FaultInjectingStorage.IsArmed(failing), "the failing write never happened");

        // The worker's account: the first send failed, and once answered the results count once.
        // Only a completion stored before its call failed is answered as a duplicate on every resend.
        Assert.Equal(2, answers.Count);
        Assert.Equal(step == "completed" && afterWriting ? [CompletionDisposition.Duplicate, CompletionDisposition.Duplicate] : [CompletionDisposition.Accepted, CompletionDisposition.Duplicate], answers);

        // The queue's and the prompt's accounts: two draws, one accepted, once.
        var record = Assert.Single(await queue.GetItemsAsync(1, RolloutStage.Estimate));
        Assert.Equal("w", record.CompletedBy);
        var progress = await queue.GetProgressAsync(1, RolloutStage.Estimate);
        Assert.Equal((1, 2, 1, 0), (progress.Completed, progress.Attempts, progress.Acceptances, progress.Failures?.Length ?? 0));
        Assert.Equal((2L, 1L), Counts((await prompt.GetSnapshotAsync())!));
        await AssertSameAfterReactivationAsync(prompt, async () => Counts((await prompt.GetSnapshotAsync())!));
    }

    [Fact]
    public async Task OnlyAPromptThatRefusesForGoodFailsTheItem()
    {
        // A prompt that was never imported refuses for good: the item fails with the reason, and
        // sending again changes nothing. (A failed write, above, is passing and never fails it.)
        var (queue, items) = await QueueAsync(1);
        var gone = items[0] with { ItemId = $"{items[0].RunId}/1/Estimate/never-imported", PromptId = $"never-imported-{Guid.NewGuid():N}" };
        await queue.EnqueueAsync([gone]);
        Assert.Single(await queue.ClaimAsync("w", 1));
        var report = new RolloutReport(gone.ItemId, gone.RunId, 1, 0, RolloutStage.Estimate, 2, 1, [1.0]);
        Assert.Equal(CompletionDisposition.Refused, await queue.CompleteAsync(gone.ItemId, "w", report));
        string failure = Assert.Single((await queue.GetProgressAsync(1, RolloutStage.Estimate)).Failures!);
        Assert.Contains($"unknown prompt '{gone.PromptId}'", failure);
        Assert.Equal(CompletionDisposition.Refused, await queue.CompleteAsync(gone.ItemId, "w", report));
        Assert.Single((await queue.GetProgressAsync(1, RolloutStage.Estimate)).Failures!);
    }

    [Fact]
    public async Task AnExternalTrainerStaysAtItsStoredVersionAfterAFailedWrite()
    {
        string runId = $"commit-{Guid.NewGuid():N}";
        var trainer = PolicyTrainers.For(fixture.Client, runId, new PolicySettings(Preset: PolicySettings.External));
        await trainer.PrepareUntilDoneAsync(new RunConfig(Policy: new PolicySettings(Preset: PolicySettings.External)));
        await FailNextWriteAsync(trainer, () => trainer.UpdateUntilDoneAsync(1, evaluate: false));
        Assert.Equal(0, (await trainer.GetPolicyAsync()).Version);
        Assert.Equal(1, (await trainer.UpdateUntilDoneAsync(1, evaluate: false)).Version);
    }

    [Fact]
    public async Task AModelTrainerWhoseVersionFailedToWriteMakesItAgainFromTheStoredOne()
    {
        // Two trainers of the same policy and responses; one's first write of version 1 fails.
        var config = new RunConfig(Policy: new PolicySettings(Seed: 3, WarmupSteps: 5, WarmupExamples: 12, EvalPrompts: 6));
        var failing = await TrainerWithResponsesAsync(config);
        var plain = await TrainerWithResponsesAsync(config);
        var v0 = await failing.GetPolicyAsync();
        Assert.Equal(v0.Checkpoint!.Hash, (await plain.GetPolicyAsync()).Checkpoint!.Hash);

        await FailNextWriteAsync(failing, () => failing.UpdateUntilDoneAsync(1, evaluate: false));
        var shown = await failing.GetPolicyAsync();
        Assert.Equal(0, shown.Version);
        Assert.Equal(v0.Checkpoint, shown.Checkpoint);

        // The retry trains version 1 from the stored version 0, not from the model the failed
        // call had already trained, and stores it: a new activation reads version 1.
        Assert.Equal(1, (await failing.UpdateUntilDoneAsync(1, evaluate: false)).Version);
        await plain.UpdateUntilDoneAsync(1, evaluate: false);
        var retried = await failing.GetPolicyAsync();
        Assert.NotEqual(v0.Checkpoint.Hash, retried.Checkpoint!.Hash);
        Assert.Equal((await plain.GetPolicyAsync()).Checkpoint!.Hash, retried.Checkpoint.Hash);
        await AssertSameAfterReactivationAsync(failing, async () => (await failing.GetPolicyAsync()).Version);
    }

    private static (long, long) Counts(PromptSnapshot s) => (s.Statistics.Attempts, s.Statistics.Acceptances);

    private static int Total(QueueProgress p) => p.Pending + p.Leased + p.Completed;

    private async Task<IPromptGrain> DefinedPromptAsync()
    {
        string id = $"commit-{Guid.NewGuid():N}";
        var prompt = fixture.Client.GetGrain<IPromptGrain>(id);
        await prompt.DefineAsync(new PromptDefinition(id, "1+1=", "2", VerifierKinds.Exact));
        return prompt;
    }

    private async Task<(IRolloutQueueGrain Queue, RolloutWorkItem[] Items)> QueueAsync(int count)
    {
        string runId = $"commit-{Guid.NewGuid():N}";
        var prompts = Enumerable.Range(0, count).Select(i => new PromptDefinition($"{runId}-p{i}", "1+1=", "2", VerifierKinds.Exact)).ToList();
        await new PromptImporter(fixture.Client).ImportAsync(prompts);
        var items = prompts.Select(p => new RolloutWorkItem($"{runId}/1/Estimate/{p.Id}", runId, p.Id, 1, RolloutStage.Estimate, 2, 0)).ToArray();
        return (fixture.Client.GetGrain<IRolloutQueueGrain>(runId), items);
    }

    // A prepared model trainer of a run whose queue holds one iteration's responses to train on.
    private async Task<IPolicyTrainerGrain> TrainerWithResponsesAsync(RunConfig config)
    {
        var (queue, items) = await QueueAsync(2);
        string runId = items[0].RunId;
        var trainer = PolicyTrainers.For(fixture.Client, runId, config.PolicyOrDefault);
        await trainer.PrepareUntilDoneAsync(config);
        await queue.EnqueueAsync(items);
        await queue.ClaimAsync("w", 10);
        await queue.CompleteManyAsync("w", [.. items.Select(item => new ItemResults(
            item.ItemId,
            new RolloutReport(item.ItemId, runId, 1, 0, RolloutStage.Estimate, 2, 2, []),
            new RolloutResponses(item.ItemId, item.PromptId, [1, 4, 5, 6], [[7, 8, 2], [9, 2]], [1, 1])))]);
        return trainer;
    }

    // Arms one failing write of the grain, runs the call, and checks that it failed with it.
    private static async Task FailNextWriteAsync(IAddressable grain, Func<Task> call, bool afterWriting = false)
    {
        var id = grain.GetGrainId();
        FaultInjectingStorage.FailWrites(id, afterWriting: afterWriting);
        var e = await Assert.ThrowsAnyAsync<Exception>(call);
        Assert.Contains("injected write failure", e.ToString());
        Assert.False(FaultInjectingStorage.IsArmed(id), "the call never wrote");
    }

    private async Task AssertSameAfterReactivationAsync<T>(IAddressable grain, Func<Task<T>> read)
    {
        var before = await read();
        await fixture.Cluster.DeactivateAsync(grain);
        await fixture.Cluster.WaitForDeactivationAsync(grain);
        Assert.Equal(before, await read());
    }
}
