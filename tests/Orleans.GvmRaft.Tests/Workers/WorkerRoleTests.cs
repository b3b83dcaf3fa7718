using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Silo;
using Orleans.GvmRaft.Worker.Hosting;
using Orleans.GvmRaft.Worker.Rollouts;
using Orleans.GvmRaft.Workers;
using Orleans.TestingHost;

namespace Orleans.GvmRaft.Tests.Workers;

/// <summary>
/// <c>Gvm:Worker:Role</c> splits the worker silos: a cluster of a control silo, a rollout silo and a
/// trainer silo runs its rollout worker on the second only and places the trainer on the third only.
/// </summary>
public sealed class WorkerRoleTests
{
    private static readonly Dictionary<string, string?> Roles = new() { ["Silo_0"] = null, ["Silo_1"] = "rollout", ["Silo_2"] = "trainer" };

    [Fact]
    public void TheSettingMapsOntoTheSiloMetadataAndABadValueIsNamed()
    {
        Assert.Equal([WorkerRole.Worker, WorkerRole.Worker, WorkerRole.Rollout, WorkerRole.Trainer], new[] { null, "both", "rollout", "Trainer" }.Select(WorkerRole.OfSetting));
        Assert.Null(WorkerRole.OfSetting("gpu"));
        Assert.Equal((true, true), (WorkerRole.Trains(WorkerRole.Worker), WorkerRole.RollsOut(WorkerRole.Worker)));
        Assert.Equal((false, true), (WorkerRole.Trains(WorkerRole.Rollout), WorkerRole.RollsOut(WorkerRole.Rollout)));
        Assert.Equal((true, false), (WorkerRole.Trains(WorkerRole.Trainer), WorkerRole.RollsOut(WorkerRole.Trainer)));

        var error = Assert.Single(new WorkerOptions { Role = "gpu" }.Validate());
        Assert.Equal("Gvm:Worker:Role must be one of both, rollout, trainer (got 'gpu').", error);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Gvm:Worker:Role"] = "trainer" }).Build();
        Assert.Equal(WorkerRole.Trainer, GvmSiloHosting.SiloMetadata(configuration, WorkerRole.Worker)[WorkerRole.MetadataKey]);
        Assert.False(GvmSiloHosting.SiloMetadata(configuration, null).ContainsKey(WorkerRole.MetadataKey));
    }

    [Fact]
    public async Task RolloutWorkersRunOnRolloutSilosAndTrainersArePlacedOnTrainerSilos()
    {
        string checkpoints = Path.Combine(Path.GetTempPath(), $"gvm-roles-{Guid.NewGuid():N}");
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSiloHost((options, host) =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Gvm:Worker:Role"] = Roles[options.SiloName],
                ["Gvm:Checkpoints:Directory"] = checkpoints,
            });
            host.Services.AddGvmGrainServices(host.Configuration);
        });
        builder.ConfigureSilo((options, silo) =>
        {
            bool worker = Roles[options.SiloName] is not null;
            foreach (string name in new[] { GvmStorage.Prompts, GvmStorage.PromptRows, GvmStorage.Runs })
            {
                silo.AddMemoryGrainStorage(name);
            }

            silo.UseInMemoryReminderService();
            silo.AddGvmRuntime(GvmSiloHosting.SiloMetadata(silo.Configuration, worker ? WorkerRole.Worker : null));
            if (worker)
            {
                silo.AddGvmWorker(silo.Configuration);
            }
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            var workers = cluster.Silos.ToDictionary(s => s.Name, s => s.ServiceProvider.GetServices<IHostedService>().OfType<RolloutWorkerService>().Count());
            Assert.Equal(new Dictionary<string, int> { ["Silo_0"] = 0, ["Silo_1"] = 1, ["Silo_2"] = 0 }, workers);

            // Several runs' trainers: every one lands on the trainer silo.
            for (int i = 0; i < 3; i++)
            {
                var trainer = PolicyTrainers.Model(cluster.Client, $"roles-{i}-{Guid.NewGuid():N}");
                await trainer.PrepareUntilDoneAsync(new RunConfig(Policy: new PolicySettings(Seed: 77, WarmupSteps: 1, WarmupExamples: 4, EvalPrompts: 2)));
            }

            var names = cluster.Silos.ToDictionary(s => s.SiloAddress, s => s.Name);
            var stats = await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
            var hosts = stats.Where(s => s.GrainType.Contains("PolicyTrainerGrain", StringComparison.Ordinal)).Select(s => names[s.SiloAddress]).ToList();
            Assert.Equal(3, hosts.Count);
            Assert.All(hosts, h => Assert.Equal("Silo_2", h));
        }
        finally
        {
            if (Directory.Exists(checkpoints))
            {
                Directory.Delete(checkpoints, recursive: true);
            }
        }
    }
}
