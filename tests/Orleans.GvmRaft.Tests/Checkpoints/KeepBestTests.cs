using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Client.Runs;
using Orleans.GvmRaft.Policy.Tasks;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Tests.Checkpoints;

/// <summary><c>Gvm:Checkpoints:KeepBest</c> on a worker silo of its own: a run's store holds its newest versions and its best.</summary>
public sealed class KeepBestTests : IAsyncLifetime
{
    private readonly string _checkpoints = Path.Combine(Path.GetTempPath(), $"gvm-keep-best-{Guid.NewGuid():N}");
    private IHost _silo = null!;

    public async Task InitializeAsync() => (_silo, _) = await Workers.WorkerSiloHost.StartAsync(new Dictionary<string, string?>
    {
        ["Gvm:Silo:ClusterId"] = $"keep-best-{Guid.NewGuid():N}",
        ["Gvm:Checkpoints:Directory"] = _checkpoints,
        ["Gvm:Checkpoints:Keep"] = "2",
        ["Gvm:Checkpoints:KeepBest"] = "true",
    });

    public Task DisposeAsync() => Workers.WorkerSiloHost.StopAsync(_silo, _checkpoints);

    [Fact]
    public async Task TheStoreKeepsTheNewestVersionsAndTheBestByHeldOutAccuracy()
    {
        var grains = _silo.Services.GetRequiredService<IGrainFactory>();
        var prompts = ArithmeticTask.Generate(12, 5, "best").Select(p => new PromptDefinition(p.Id, p.Text, p.Answer, VerifierKinds.Exact)).ToList();
        await new PromptImporter(grains).ImportAsync(prompts, set: "best-set");
        var run = grains.GetGrain<ITrainingRunGrain>("best-run");
        await run.CreateAsync(new RunConfig(
            Budget: 8, BatchSize: 4, Stage1Samples: 2, Iterations: 6, EvalEvery: 1, PromptSet: "best-set",
            Policy: new PolicySettings(WarmupSteps: 60, WarmupExamples: 32, EvalPrompts: 24, LearningRate: 0.05)));
        await run.StartAsync();
        string folder = Path.Combine(Path.GetTempPath(), $"gvm-keep-best-run-{Guid.NewGuid():N}");
        var metrics = await new RunWatcher(grains, "best-run", folder).WatchAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Directory.Delete(folder, recursive: true);

        // Expected from the run's own metrics: versions 5 and 6, and the first version with the
        // highest held-out accuracy (version k is iteration k; version 0 is the warm-up's).
        var best = metrics.Where(m => m.EvalAccuracy is not null).MaxBy(m => m.EvalAccuracy)!;

        // A learning rate far too high for RL makes the held-out accuracy fall after the warm-up,
        // so the best version is an early one, which only KeepBest keeps (runs are seeded).
        Assert.True(best.Iteration < 5, $"the best version is {best.Iteration}, one of the newest two: this run does not test KeepBest");
        long[] expected = [.. new long[] { 5, 6, best.Iteration }.Distinct().Order()];
        var stored = Directory.GetDirectories(Path.Combine(_checkpoints, "best-run"))
            .Select(d => long.Parse(Path.GetFileName(d)[1..7], CultureInfo.InvariantCulture))
            .Order()
            .ToArray();
        Assert.Equal(expected, stored);
    }
}
