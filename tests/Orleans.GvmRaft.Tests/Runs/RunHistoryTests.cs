using Microsoft.Extensions.DependencyInjection;
using Orleans.GvmRaft.Client.External;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Tests.Commit;
using Orleans.Storage;

namespace Orleans.GvmRaft.Tests.Runs;

/// <summary>
/// A run keeps only its recent iterations in its own state and snapshot (the fixture keeps 6);
/// every iteration is in the run's history pages, which <see cref="ITrainingRunGrain.GetIterationsAsync"/>
/// reads; and a run stored by the earlier version, with its whole history in its state, is moved
/// to the pages when it is next activated.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RunHistoryTests(ClusterFixture fixture)
{
    private const int Recent = 6;

    [Fact]
    public async Task ALongRunKeepsItsRecentIterationsAndServesEveryOneInOrder()
    {
        // B = 2 of a set of 4, n0 = 2, N = 4: 8 responses per iteration, ten iterations.
        var (set, _) = await ScriptedRuns.ImportAsync(fixture.Client, 4);
        var final = await ScriptedRuns.RunAsync(
            fixture.Client,
            new RunConfig(Budget: 4, BatchSize: 2, Stage1Samples: 2, Iterations: 10, PromptSet: set, Policy: ScriptedRuns.External),
            (item, _) => ExternalWorker.Results(item, new int[item.Count], []));

        Assert.Equal(RunPhase.Completed, final.Phase);
        Assert.Equal([5, 6, 7, 8, 9, 10], final.History.Select(h => h.Iteration));
        var run = fixture.Client.GetGrain<ITrainingRunGrain>(final.RunId);
        var all = await run.GetIterationsAsync(0, 1000);
        Assert.Equal(Enumerable.Range(1, 10), all.Select(h => h.Iteration));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => 8L * i), all.Select(h => h.Samples));
        Assert.Equal(final.History.Select(h => (h.Iteration, h.Samples, h.FinishedAt)), all[^Recent..].Select(h => (h.Iteration, h.Samples, h.FinishedAt)));

        // A watcher's look: what it has not seen, across the pages and the recent ones, bounded.
        Assert.Equal([3, 4, 5, 6], (await run.GetIterationsAsync(2, 4)).Select(h => h.Iteration));
        Assert.Equal([8, 9, 10], (await run.GetIterationsAsync(7, int.MaxValue)).Select(h => h.Iteration));
        Assert.Empty(await run.GetIterationsAsync(10, 5));

        // The stored state holds the recent iterations only.
        var stored = Assert.IsType<TrainingRunState>(FaultInjectingStorage.LastWritten(run.GetGrainId()));
        Assert.Equal(Recent, stored.History.Count);
        Assert.True(stored.HistoryArchived);
    }

    [Fact]
    public async Task ARunStoredWithItsWholeHistoryIsMovedToThePagesOnActivation()
    {
        // The earlier version's state: 600 iterations in the run's own state, not archived.
        string runId = $"legacy-{Guid.NewGuid():N}";
        var run = fixture.Client.GetGrain<ITrainingRunGrain>(runId);
        var start = DateTimeOffset.UnixEpoch;
        var legacy = new TrainingRunState
        {
            Config = new RunConfig(Budget: 4, BatchSize: 2, Stage1Samples: 2, Iterations: 600, Policy: ScriptedRuns.External),
            CreatedAt = start,
            Driven = true,
            Prepared = true,
            FinishedIterations = 600,
            PolicyVersion = 600,
            Samples = 4800,
            History = [.. Enumerable.Range(1, 600).Select(i => new IterationSummary(i, 2, 4, 2, 2, "Gvm", start.AddSeconds(i), [0, 2], 8, i % 8, 8L * i))],
        };
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(GvmStorage.Runs);
        await storage.WriteStateAsync("run", run.GetGrainId(), new GrainState<TrainingRunState>(legacy));

        var snapshot = (await run.GetSnapshotAsync())!;
        Assert.Equal((RunPhase.Completed, 600, 4800L), (snapshot.Phase, snapshot.CompletedIterations, snapshot.Samples));
        Assert.Equal(Enumerable.Range(595, Recent), snapshot.History.Select(h => h.Iteration));

        // Every iteration survives, over three pages of 256, with what it recorded.
        var all = await run.GetIterationsAsync(0, 1000);
        Assert.Equal(Enumerable.Range(1, 600), all.Select(h => h.Iteration));
        Assert.Equal(Enumerable.Range(1, 600).Select(i => i % 8), all.Select(h => h.Acceptances));
        Assert.Equal(Enumerable.Range(251, 10), (await run.GetIterationsAsync(250, 10)).Select(h => h.Iteration));
        Assert.Equal(Enumerable.Range(590, 11), (await run.GetIterationsAsync(589, 1000)).Select(h => h.Iteration));

        var stored = Assert.IsType<TrainingRunState>(FaultInjectingStorage.LastWritten(run.GetGrainId()));
        Assert.Equal((Recent, true), (stored.History.Count, stored.HistoryArchived));

        // Activated again, it finds the pages and moves nothing twice.
        await fixture.Cluster.DeactivateAsync(run);
        await fixture.Cluster.WaitForDeactivationAsync(run);
        Assert.Equal(all.Select(h => (h.Iteration, h.Acceptances)), (await run.GetIterationsAsync(0, 1000)).Select(h => (h.Iteration, h.Acceptances)));
        Assert.Same(stored, FaultInjectingStorage.LastWritten(run.GetGrainId()));
    }
}
