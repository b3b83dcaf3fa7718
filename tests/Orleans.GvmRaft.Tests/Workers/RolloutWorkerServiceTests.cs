using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.GvmRaft.Embedded.Train;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Worker.Rollouts;
using Orleans.GvmRaft.Workers;
using TorchSharp;

namespace Orleans.GvmRaft.Tests.Workers;

/// <summary>
/// The rollout worker is a hosted service of each worker silo: it runs only there, heartbeats on
/// its own schedule, and gives a run's model back when the run ends.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RolloutWorkerServiceTests(ClusterFixture fixture)
{
    [Fact]
    public async Task OnlyWorkerSilosRunARolloutWorkerAndItHeartbeatsOnItsOwn()
    {
        // Other tests start more worker silos; each has exactly one worker (no Gvm:Worker:Devices).
        Assert.Empty(Workers(fixture.Cluster.Silos.Single(s => s.Name == ClusterFixture.ControlSilo)));
        Assert.All(fixture.Cluster.Silos.Where(s => s.Name != ClusterFixture.ControlSilo), s => Assert.Single(Workers(s)));
        var worker = Workers(fixture.Cluster.Silos.Single(s => s.Name == "Silo_1")).Single();

        // The fixture beats every 200 ms: within a second the directory has seen it at least twice.
        var directory = fixture.Client.GetGrain<IWorkerDirectoryGrain>(0);
        var first = await EventuallyAsync(async () => (await directory.GetWorkersAsync()).FirstOrDefault(w => w.WorkerId == worker.WorkerId));
        var later = await EventuallyAsync(async () => (await directory.GetWorkersAsync()).FirstOrDefault(w => w.WorkerId == worker.WorkerId && w.SeenAt > first.SeenAt));
        Assert.Equal(first.StartedAt, later.StartedAt);
        Assert.NotEqual(ClusterFixture.ControlSilo, later.Silo);
    }

    [Fact]
    public async Task AWorkerDisposesARunsModelWhenTheRunEnds()
    {
        var workers = fixture.Cluster.Silos.SelectMany(Workers).ToList();
        var settings = new TrainSettings(
            Seed: 31, Iterations: 2, BatchSize: 4, Stage1Samples: 4, Budget: 16, TrainPrompts: 8, EvalPrompts: 4,
            EvalEvery: 1, WarmupSteps: 2, WarmupExamples: 8, Output: Path.Combine(Path.GetTempPath(), $"gvm-run-{Guid.NewGuid():N}"));

        // While the run goes on, take hold of the tensors of every model a worker loaded for it.
        var run = new ArithmeticRun(fixture.Client, settings).RunAsync();
        var tensors = new List<torch.Tensor>();
        var models = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (!run.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "the run did not end within 3 minutes");
            foreach (var worker in workers)
            {
                if (worker.Policies[settings.RunId] is { } held && models.Add(held.Model))
                {
                    tensors.AddRange(held.Model.parameters());
                }
            }

            await Task.Delay(10);
        }

        await run;
        Assert.Equal(RunPhase.Completed, (await fixture.Client.GetGrain<ITrainingRunGrain>(settings.RunId).GetSnapshotAsync())!.Phase);

        // Versions 0 and 1 sampled. A newer version frees the older one's tensors; nothing but the
        // run's end frees the last one's: the run announced it, and the worker's next pass does.
        Assert.True(models.Count >= 2, $"{models.Count} model(s) seen");
        await EventuallyAsync(() => Task.FromResult<object?>(tensors.All(t => t.IsInvalid) ? tensors : null));
        Assert.All(workers, w => Assert.DoesNotContain(settings.RunId, w.Policies.Runs));
    }

    private static IEnumerable<RolloutWorkerService> Workers(Orleans.TestingHost.InProcessSiloHandle silo) =>
        silo.ServiceProvider.GetServices<IHostedService>().OfType<RolloutWorkerService>();

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("condition not reached within 15 s");
    }
}
