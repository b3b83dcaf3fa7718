using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Tests.Runs;

[Collection(ClusterCollection.Name)]
public sealed class TrainingRunGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task AllocatesFromThePromptsEstimatesAndTellsEachPrompt()
    {
        // Estimates p = 4/8 for all, G = 1, 3, 0 (nothing measured on the third): weights 1 : 3 : 0 of N = 8 → 2, 6, 0.
        string[] ids = await ImportAsync(3);
        await EstimateAsync(ids[0], 8, 4, [1.0, 1.0, 1.0, 1.0]);
        await EstimateAsync(ids[1], 8, 4, [2.0, 4.0, 3.0, 3.0]);
        await EstimateAsync(ids[2], 8, 4, []);
        var run = await CreateRunAsync(new RunConfig(Budget: 8, BatchSize: 4, Iterations: 2));

        var plan = await run.AllocateAsync(1, ids);

        Assert.Equal(new[] { 2, 6, 0 }, plan.Samples);
        Assert.Equal("Weighted", plan.Outcome);
        Assert.Empty(plan.PromptsWithoutEstimate);
        for (int i = 0; i < ids.Length; i++)
        {
            var assigned = (await Prompt(ids[i]).GetSnapshotAsync())!.LastAllocation!;
            Assert.Equal(plan.Samples[i], assigned.Samples);
            Assert.Equal(1, assigned.Iteration);
        }

        var snapshot = (await run.GetSnapshotAsync())!;
        Assert.Equal(RunPhase.Running, snapshot.Phase);
        Assert.Equal(1, snapshot.CompletedIterations);
        Assert.Equal(2, snapshot.History[0].PromptsAllocated);
        Assert.Equal(6, snapshot.History[0].MaxSamples);
    }

    [Fact]
    public async Task ARetriedAllocationReturnsTheSamePlanAndIterationsGoInOrder()
    {
        string[] ids = await ImportAsync(2);
        await EstimateAsync(ids[0], 8, 2, [1.0, 1.0]);
        await EstimateAsync(ids[1], 8, 2, [1.0, 1.0]);
        var run = await CreateRunAsync(new RunConfig(Budget: 10, BatchSize: 2, Iterations: 1));

        var first = await run.AllocateAsync(1, ids);
        await EstimateAsync(ids[1], 8, 8, [9.0]);
        var retried = await run.AllocateAsync(1, ids);
        Assert.Equal(first.Samples, retried.Samples);

        await Assert.ThrowsAsync<InvalidOperationException>(() => run.AllocateAsync(1, [ids[1], ids[0]]));
        var done = await Assert.ThrowsAsync<InvalidOperationException>(() => run.AllocateAsync(2, ids));
        Assert.Contains("completed", done.Message);
        Assert.Equal(RunPhase.Completed, (await run.GetSnapshotAsync())!.Phase);
    }

    [Fact]
    public async Task SkippingAnIterationOrAnOversizedBatchIsRefused()
    {
        string[] ids = await ImportAsync(3);
        var run = await CreateRunAsync(new RunConfig(Budget: 10, BatchSize: 2, Iterations: 5));
        var skip = await Assert.ThrowsAsync<ArgumentException>(() => run.AllocateAsync(2, ids[..2]));
        Assert.Contains("next iteration is 1", skip.Message);
        var big = await Assert.ThrowsAsync<ArgumentException>(() => run.AllocateAsync(1, ids));
        Assert.Contains("between 1 and 2", big.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => run.AllocateAsync(1, [ids[0], ids[0]]));
        Assert.Equal(RunPhase.Created, (await run.GetSnapshotAsync())!.Phase);
    }

    [Fact]
    public async Task UniformRunsIgnoreEstimates()
    {
        string[] ids = await ImportAsync(3);
        await EstimateAsync(ids[0], 8, 8, [5.0]);
        var run = await CreateRunAsync(new RunConfig(Allocator: AllocatorKind.Uniform, Budget: 10, BatchSize: 3));
        Assert.Equal(new[] { 4, 3, 3 }, (await run.AllocateAsync(1, ids)).Samples);
    }

    [Fact]
    public async Task PromptsWithoutEstimatesAreNamedAndAnUnknownPromptIsAnError()
    {
        string[] ids = await ImportAsync(2);
        await EstimateAsync(ids[0], 8, 4, [1.0]);
        var run = await CreateRunAsync(new RunConfig(Budget: 6, BatchSize: 3));
        var plan = await run.AllocateAsync(1, ids);
        Assert.Equal(new[] { 6, 0 }, plan.Samples);
        Assert.Equal([ids[1]], plan.PromptsWithoutEstimate);

        var other = await CreateRunAsync(new RunConfig(Budget: 6, BatchSize: 3));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => other.AllocateAsync(1, [ids[0], "no-such-prompt"]));
        Assert.Contains("unknown prompt 'no-such-prompt'", e.Message);
        Assert.Equal(0, (await other.GetSnapshotAsync())!.CompletedIterations);
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
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            fixture.Client.GetGrain<ITrainingRunGrain>("never-created").AllocateAsync(1, ["x"]));
    }

    [Fact]
    public async Task RunStateSurvivesDeactivation()
    {
        string[] ids = await ImportAsync(2);
        var run = await CreateRunAsync(new RunConfig(Allocator: AllocatorKind.Uniform, Budget: 4, BatchSize: 2, Iterations: 3));
        var plan = await run.AllocateAsync(1, ids);
        await fixture.Cluster.DeactivateAsync(run);
        await fixture.Cluster.WaitForDeactivationAsync(run);

        var snapshot = (await run.GetSnapshotAsync())!;
        Assert.Equal(1, snapshot.CompletedIterations);
        Assert.Equal(plan.Samples, (await run.AllocateAsync(1, ids)).Samples);
        Assert.Equal(2, (await run.AllocateAsync(2, ids)).Iteration);
    }

    private IPromptGrain Prompt(string id) => fixture.Client.GetGrain<IPromptGrain>(id);

    private async Task<string[]> ImportAsync(int count)
    {
        string prefix = Guid.NewGuid().ToString("N");
        string[] ids = [.. Enumerable.Range(0, count).Select(i => $"{prefix}-{i}")];
        foreach (string id in ids)
        {
            await Prompt(id).DefineAsync(new PromptDefinition(id, $"problem {id}", "1", VerifierKinds.Exact));
        }

        return ids;
    }

    private Task EstimateAsync(string id, int attempts, int accepted, double[] norms) =>
        Prompt(id).RecordRolloutsAsync(new RolloutReport(Guid.NewGuid().ToString(), "r", 1, 0, RolloutStage.Estimate, attempts, accepted, norms));

    private async Task<ITrainingRunGrain> CreateRunAsync(RunConfig config)
    {
        var run = fixture.Client.GetGrain<ITrainingRunGrain>($"run-{Guid.NewGuid():N}");
        await run.CreateAsync(config);
        return run;
    }
}
