using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Orleans.GvmRaft.Client.External;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Silo;
using Orleans.TestingHost;

namespace Orleans.GvmRaft.Tests.Runs;

/// <summary>
/// A run is told when what it waits on happens: with its tick a minute apart, a run of three
/// iterations still ends within seconds, moved on by its queue's completions alone.
/// </summary>
public sealed class RunWakeTests
{
    [Fact]
    public async Task ARunMovesOnWhenItsWorkIsDoneNotAtItsNextTick()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Gvm:Coordinator:TickPeriod"] = "00:01:00" });
            host.Services.AddGvmGrainServices(host.Configuration);
        });
        builder.ConfigureSilo((_, silo) =>
        {
            foreach (string name in new[] { GvmStorage.Prompts, GvmStorage.PromptRows, GvmStorage.Runs })
            {
                silo.AddMemoryGrainStorage(name);
            }

            silo.UseInMemoryReminderService();
            silo.AddGvmRuntime(GvmSiloHosting.SiloMetadata(silo.Configuration, null));
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        // B = 2 of a set of 4, n0 = 2, N = 4, three iterations: every step after the first tick
        // waits on the external worker's results.
        var (set, _) = await ScriptedRuns.ImportAsync(cluster.Client, 4);
        var clock = Stopwatch.StartNew();
        var final = await ScriptedRuns.RunAsync(
            cluster.Client,
            new RunConfig(Budget: 4, BatchSize: 2, Stage1Samples: 2, Iterations: 3, PromptSet: set, Policy: ScriptedRuns.External),
            (item, _) => ExternalWorker.Results(item, new int[item.Count], []));

        Assert.Equal(RunPhase.Completed, final.Phase);
        Assert.Equal(3, final.CompletedIterations);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the run took {clock.Elapsed}, as if it waited for its ticks");
    }
}
