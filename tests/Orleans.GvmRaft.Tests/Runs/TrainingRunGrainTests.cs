using Orleans.GvmRaft.Client.External;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Tests.Runs;

/// <summary>
/// The run grain's one mode, driven, over an external policy whose results the test scripts: the
/// allocation it makes from the stage-1 estimates, the history written once per iteration, and a
/// run that goes on after its grain is deactivated.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TrainingRunGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task AllocatesFromTheStageOneEstimatesAndIndexesEachPromptsShare()
    {
        // Stage 1 accepts 4 of 8 everywhere (p = 1/2), with gradient norms of mean 1, 3 and none
        // measured: weights 1 : 3 : 0 of N = 8 → 2, 6, 0. Stage 2 accepts nothing.
        var (set, ids) = await ImportAsync(3);
        double[][] norms = [[1, 1, 1, 1], [2, 4, 3, 3], []];
        var final = await RunAsync(new RunConfig(Budget: 8, BatchSize: 3, Stage1Samples: 8, Iterations: 1, PromptSet: set, Policy: ScriptedRuns.External), (item, _) =>
            item.Stage == RolloutStage.Estimate
                ? ExternalWorker.Results(item, [1, 1, 1, 1, 0, 0, 0, 0], norms[Array.IndexOf(ids, item.PromptId)])
                : ExternalWorker.Results(item, new int[item.Count], []));

        // A prompt shows the stage-2 samples it drew; the run's index holds every prompt's n_i, zeros too.
        int[] expected = [2, 6, 0];
        for (int i = 0; i < ids.Length; i++)
        {
            var assigned = (await Prompt(ids[i]).GetSnapshotAsync())!.LastAllocation;
            Assert.Equal(expected[i] == 0 ? null : new AllocationAssignment(final.RunId, 1, expected[i]), assigned);
        }

        var indexed = (await Task.WhenAll(Enumerable.Range(0, GvmRaft.Index.PromptIndex.Shards)
                .Select(shard => fixture.Client.GetGrain<GvmRaft.Index.IPromptIndexGrain>(GvmRaft.Index.PromptIndex.ShardKey(final.RunId, shard)).TopAsync(GvmRaft.Index.PromptRanking.Allocation, 10))))
            .SelectMany(a => a.Top)
            .ToDictionary(e => e.PromptId, e => e.Allocation);
        Assert.Equal(expected, ids.Select(id => indexed[id]));

        // The stage-2 work asked each prompt for exactly its n_i, and none of the prompt without weight.
        var items = await fixture.Client.GetGrain<IRolloutQueueGrain>(final.RunId).GetItemsAsync(1, RolloutStage.Sample);
        Assert.Equal([(ids[0], 2), (ids[1], 6)], items.Select(i => (i.PromptId, i.Count)).OrderBy(x => x.PromptId, StringComparer.Ordinal));

        var h = Assert.Single(final.History);
        Assert.Equal((1, 3, 8, 2, 6, "Weighted"), (h.Iteration, h.Prompts, h.Budget, h.PromptsAllocated, h.MaxSamples, h.Outcome));
        Assert.Equal((3 * 8 + 8, 3 * 4), (h.Attempts, h.Acceptances));
        Assert.Equal(RunPhase.Completed, final.Phase);
    }

    [Fact]
    public async Task UniformRunsIgnoreEstimates()
    {
        var (set, ids) = await ImportAsync(3);
        var final = await RunAsync(
            new RunConfig(Allocator: AllocatorKind.Uniform, Budget: 10, BatchSize: 3, Stage1Samples: 2, Iterations: 1, PromptSet: set, Policy: ScriptedRuns.External),
            (item, _) => ExternalWorker.Results(item, [.. Enumerable.Repeat(item.PromptId == ids[0] ? 1 : 0, item.Count)], item.PromptId == ids[0] && item.Stage == RolloutStage.Estimate ? [5.0, 5.0] : []));
        var items = await fixture.Client.GetGrain<IRolloutQueueGrain>(final.RunId).GetItemsAsync(1, RolloutStage.Sample);
        Assert.Equal([3, 3, 4], items.Select(i => i.Count).Order());
        Assert.Equal("Uniform", final.History[0].Outcome);
    }

    [Fact]
    public async Task EachIterationIsSummarisedOnceWhenItEnds()
    {
        // B = 4 of a set of 6, n0 = 2, N = 6: 14 responses per full batch, half of them accepted.
        // Epochs of 6: iteration 2 is the epoch's short last batch of 2, whose budget shrinks to
        // N · 2 / 4 = 3: 2 · 2 + 3 = 7 responses; iteration 3 begins the next epoch.
        var (set, _) = await ImportAsync(6);
        var final = await RunAsync(
            new RunConfig(Budget: 6, BatchSize: 4, Stage1Samples: 2, Iterations: 3, PromptSet: set, Policy: ScriptedRuns.External),
            (item, _) => ExternalWorker.Results(item, [.. Enumerable.Range(0, item.Count).Select(k => k % 2)], item.Stage == RolloutStage.Estimate ? [1.0] : []));

        Assert.Equal([1, 2, 3], final.History.Select(h => h.Iteration));
        Assert.Equal([(4, 6, 14), (2, 3, 7), (4, 6, 14)], final.History.Select(h => (h.Prompts, h.Budget, h.Attempts)));
        Assert.Equal([14L, 21L, 35L], final.History.Select(h => h.Samples));
        Assert.Equal(35, final.Samples);
        Assert.Equal(3, final.PolicyVersion);
        Assert.True(final.History.Zip(final.History.Skip(1)).All(p => p.First.FinishedAt <= p.Second.FinishedAt));
    }

    [Fact]
    public async Task ARunGoesOnAfterItsGrainIsDeactivated()
    {
        var (set, _) = await ImportAsync(4);
        string runId = $"run-{Guid.NewGuid():N}";
        var run = fixture.Client.GetGrain<ITrainingRunGrain>(runId);
        await run.CreateAsync(new RunConfig(Budget: 4, BatchSize: 2, Stage1Samples: 2, Iterations: 3, PromptSet: set, Policy: ScriptedRuns.External));
        await run.StartAsync();
        var worker = new ExternalWorker(fixture.Client, runId, (item, _) => ExternalWorker.Results(item, new int[item.Count], []));
        while ((await run.GetSnapshotAsync())!.CompletedIterations < 1)
        {
            await worker.DrainAsync();
            await Task.Delay(20);
        }

        await fixture.Cluster.DeactivateAsync(run);
        await fixture.Cluster.WaitForDeactivationAsync(run);

        // Its next activation (the worker's look at it) drives it on from the persisted step.
        var final = await worker.RunAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(RunPhase.Completed, final.Phase);
        Assert.Equal([1, 2, 3], final.History.Select(h => h.Iteration));
        Assert.Equal(3 * ((2 * 2) + 4), final.Samples);
    }

    [Fact]
    public async Task ConfigurationIsValidatedAndCreationIsIdempotent()
    {
        var run = fixture.Client.GetGrain<ITrainingRunGrain>($"run-{Guid.NewGuid():N}");
        var e = await Assert.ThrowsAsync<ArgumentException>(() => run.CreateAsync(new RunConfig(BatchSize: 0)));
        Assert.Contains("batchSize", e.Message);
        Assert.Null(await run.GetSnapshotAsync());

        var config = new RunConfig(Budget: 64);
        await run.CreateAsync(config);
        await run.CreateAsync(config);
        await Assert.ThrowsAsync<InvalidOperationException>(() => run.CreateAsync(config with { Budget = 65 }));
        Assert.Equal(RunPhase.Created, (await run.GetSnapshotAsync())!.Phase);
        var unknown = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Client.GetGrain<ITrainingRunGrain>("never-created").StartAsync());
        Assert.Contains("unknown run 'never-created'", unknown.Message);
    }

    private IPromptGrain Prompt(string id) => fixture.Client.GetGrain<IPromptGrain>(id);

    private Task<(string Set, string[] Ids)> ImportAsync(int count) => ScriptedRuns.ImportAsync(fixture.Client, count);

    private Task<RunSnapshot> RunAsync(RunConfig config, Func<RolloutWorkItem, PromptDefinition, ItemResults> rollouts) =>
        ScriptedRuns.RunAsync(fixture.Client, config, rollouts);
}
