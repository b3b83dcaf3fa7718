using Microsoft.Extensions.DependencyInjection;
using Orleans.GvmRaft.Client.External;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Workers;
using Orleans.Storage;

namespace Orleans.GvmRaft.Tests.Runs;

/// <summary>
/// A step that moves the run to a stage queues the stage's work before it stores the move. The
/// earlier version stored the move first and queued on its next tick, so a run it stored between
/// the two is at a stage with nothing queued: activated now, the run queues that work and goes on.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StoredStepTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ARunStoredAtAStageWithNothingQueuedQueuesItOnActivationAndFinishes()
    {
        var (set, ids) = await ScriptedRuns.ImportAsync(fixture.Client, 4);
        string runId = $"stored-{Guid.NewGuid():N}";
        var run = fixture.Client.GetGrain<ITrainingRunGrain>(runId);
        var stored = new TrainingRunState
        {
            Config = new RunConfig(Budget: 4, BatchSize: 2, Stage1Samples: 2, Iterations: 1, PromptSet: set, Policy: ScriptedRuns.External),
            CreatedAt = DateTimeOffset.UnixEpoch,
            Driven = true,
            Prepared = true,
            HistoryArchived = true,
            Step = IterationStep.Estimate,
            Batch = [ids[0], ids[1]],
            Stage1Counts = [2, 2],
        };
        // The trainer was prepared before the run stored its first step.
        await PolicyTrainers.For(fixture.Client, runId, ScriptedRuns.External).PrepareAsync(stored.Config);
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(GvmStorage.Runs);
        await storage.WriteStateAsync("run", run.GetGrainId(), new GrainState<TrainingRunState>(stored));

        // Activation queues stage 1 of iteration 1 as the stored step says: 2 responses per prompt.
        var snapshot = (await run.GetSnapshotAsync())!;
        Assert.Equal((RunPhase.Running, IterationStep.Estimate), (snapshot.Phase, snapshot.Step));
        var queue = fixture.Client.GetGrain<IRolloutQueueGrain>(runId);
        var items = await queue.GetItemsAsync(1, RolloutStage.Estimate);
        Assert.Equal([(ids[0], 2), (ids[1], 2)], items.Select(i => (i.PromptId, i.Count)).OrderBy(i => i.PromptId));

        // Served, it finishes: 4 responses in stage 1 and the budget of 4 in stage 2.
        var final = await new ExternalWorker(fixture.Client, runId, (item, _) => ExternalWorker.Results(item, new int[item.Count], []))
            .RunAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((RunPhase.Completed, 1, 8L), (final.Phase, final.CompletedIterations, final.Samples));
    }
}
