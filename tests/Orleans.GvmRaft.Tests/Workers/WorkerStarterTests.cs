using Orleans.Core.Internal;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Tests.Workers;

/// <summary>
/// The rollout worker must outlive its activation. Orleans deactivates the activations whose grain
/// directory partition was held by a silo that died; nothing else calls the worker, so without its
/// silo starting it again the worker silo would idle while runs wait for rollouts (seen in the
/// process tests as a run stalled after a control silo was killed).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WorkerStarterTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ADeactivatedRolloutWorkerIsStartedAgainByItsSilo()
    {
        var directory = fixture.Client.GetGrain<IWorkerDirectoryGrain>(0);
        var before = await EventuallyAsync(async () => (await directory.GetWorkersAsync()).FirstOrDefault());
        await fixture.Client.GetGrain<IPolicyWorkerGrain>(before.WorkerId).Cast<IGrainManagementExtension>().DeactivateOnIdle();

        // A new activation of the same worker heartbeats: started after the old one, on the same silo.
        var after = await EventuallyAsync(async () =>
            (await directory.GetWorkersAsync()).FirstOrDefault(w => w.WorkerId == before.WorkerId && w.StartedAt > before.StartedAt));
        Assert.Equal(before.Silo, after.Silo);
        Assert.True(after.SeenAt > after.StartedAt);
    }

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

            await Task.Delay(100);
        }

        throw new TimeoutException("condition not reached within 15 s");
    }
}
