using System.Text.Json;
using Orleans.GvmRaft.Embedded.Train;
using Orleans.GvmRaft.Index;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Policy.Tasks;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Tests.Train;

/// <summary>
/// Whole iterations driven by the run grain, with the rollout worker and the trainer on the worker
/// silo of the in-process cluster, on a tiny configuration.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DrivenRunTests(ClusterFixture fixture)
{
    private static TrainSettings Tiny(int seed, string output, int iterations = 2, int trainPrompts = 12, Stage1Reuse? reuse = null) => new(
        Seed: seed, Iterations: iterations, BatchSize: 4, Stage1Samples: 4, Budget: 16, TrainPrompts: trainPrompts, EvalPrompts: 6,
        EvalEvery: 1, WarmupSteps: 5, WarmupExamples: 12, Output: output, Reuse: reuse);

    [Fact]
    public async Task IterationsRecordEveryRolloutOnceAndWriteTheRunFolder()
    {
        string output = TempFolder();
        var settings = Tiny(5, output);
        var metrics = await new ArithmeticRun(fixture.Client, settings).RunAsync();

        // Each iteration draws B · n0 = 16 stage-1 and N = 16 stage-2 responses.
        Assert.Equal([0, 1, 2], metrics.Select(m => m.Iteration));
        Assert.Equal([0L, 32L, 64L], metrics.Select(m => m.Samples));
        Assert.All(metrics, m => Assert.NotNull(m.EvalAccuracy));

        // Nothing lost, nothing counted twice: the prompt grains hold exactly the rollouts drawn.
        string runId = settings.RunId;
        var snapshots = new List<PromptSnapshot>();
        for (int i = 0; i < settings.TrainPrompts; i++)
        {
            snapshots.Add((await fixture.Client.GetGrain<IPromptGrain>($"{settings.PromptSet}-{i:D5}").GetSnapshotAsync())!);
        }

        Assert.Equal(64, snapshots.Sum(s => s.Statistics.Attempts));
        var run = (await fixture.Client.GetGrain<ITrainingRunGrain>(runId).GetSnapshotAsync())!;
        Assert.Equal(RunPhase.Completed, run.Phase);
        Assert.Equal(2, run.CompletedIterations);
        Assert.Equal(2, run.PolicyVersion);
        Assert.True((await fixture.Client.GetGrain<IRolloutQueueGrain>(runId).GetProgressAsync(2, RolloutStage.Sample)).Done);

        // The run's history agrees with the prompts: accepted responses counted per iteration.
        Assert.Equal(snapshots.Sum(s => s.Statistics.Acceptances), run.History.Sum(h => h.Acceptances));

        string[] lines = File.ReadAllLines(Path.Combine(output, "metrics.jsonl"));
        Assert.Equal(3, lines.Length);
        var last = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.Equal(64, last.GetProperty("samples").GetInt64());
        Assert.True(last.TryGetProperty("trainAcceptRate", out _) && last.TryGetProperty("evalAccuracy", out _) && last.TryGetProperty("seconds", out _));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(output, "allocations.jsonl")).Length);
        Assert.Contains("<polyline", File.ReadAllText(Path.Combine(output, "accuracy.svg")));
        using var checkpoint = HfCheckpoint.Load(Path.Combine(output, "checkpoint"));
        Assert.Equal(ArithmeticModel.Config().VocabSize, checkpoint.Config.VocabSize);

        // The trainer lives on the worker silo only: the placement filter kept it off Silo_0. The
        // rollouts were drawn by worker silos' hosted workers, which the control silo does not run.
        var hosts = await HostsAsync("PolicyTrainerGrain");
        Assert.NotEmpty(hosts);
        Assert.DoesNotContain(ClusterFixture.ControlSilo, hosts);
        var completedBy = (await fixture.Client.GetGrain<IRolloutQueueGrain>(runId).GetItemsAsync(2, RolloutStage.Sample)).Select(i => i.CompletedBy).Distinct().ToList();
        var workers = (await fixture.Client.GetGrain<IWorkerDirectoryGrain>(0).GetWorkersAsync()).ToDictionary(w => w.WorkerId, w => w.Silo);
        Assert.All(completedBy, w => Assert.NotEqual(ClusterFixture.ControlSilo, workers[w!]));

        // The index answers `prompts top` as a scan of every prompt grain would.
        // Every prompt of a batch is indexed, whether or not stage 2 drew for it: those with rollouts.
        var expected = snapshots.Where(s => s.Statistics.Attempts > 0)
            .OrderByDescending(s => s.Statistics.SamplesSpent).ThenBy(s => s.Definition.Id, StringComparer.Ordinal)
            .Take(3).Select(s => (s.Definition.Id, s.Statistics.SamplesSpent)).ToList();
        var shards = await Task.WhenAll(Enumerable.Range(0, PromptIndex.Shards)
            .Select(i => fixture.Client.GetGrain<IPromptIndexGrain>(PromptIndex.ShardKey(runId, i)).TopAsync(PromptRanking.Samples, 3)));
        var top = PromptIndex.Merge(shards.Select(s => s.Top), PromptRanking.Samples, 3);
        Assert.Equal(expected, top.Select(e => (e.PromptId, e.Samples)).ToList());
        Assert.Equal(snapshots.Count(s => s.Statistics.Attempts > 0), shards.Sum(s => s.Count));
    }

    [Theory]
    [InlineData("uniform", 21)]
    [InlineData("gvm", 22)]
    [InlineData("gvm-history", 23)]
    [InlineData("ada", 24)]
    [InlineData("dapo", 25)]
    [InlineData("knapsack", 26)]
    [InlineData("greso", 27)]
    public async Task EveryArmTrainsTheRealPolicyToItsRolloutLimit(string name, int seed)
    {
        // The arms on the worker silo's real sampler and trainer (RAFT++, or GRPO for dapo), B = 4
        // of 12 prompts, n0 = 4, N = 16, ending at 80 rollouts (the chunk arm is GVM with a larger B, run by the gvm case): no iteration draws more than its
        // n0·B + N (dapo: groups of n0 + N / B = 8, plus refills within N), the run stops at the
        // first iteration past the limit, and every rollout reached the prompt grains once.
        var arm = AllocatorArm.Parse(name);
        var settings = arm.Apply(Tiny(seed, TempFolder(), trainPrompts: 12) with { Arm = arm.Name }).WithRolloutBudget(80);
        var metrics = await new ArithmeticRun(fixture.Client, settings).RunAsync();
        var run = (await fixture.Client.GetGrain<ITrainingRunGrain>(settings.RunId).GetSnapshotAsync())!;
        var history = await fixture.Client.GetGrain<ITrainingRunGrain>(settings.RunId).GetIterationsAsync(0, int.MaxValue);

        int perIteration = (settings.BatchSize * settings.Stage1Samples) + settings.Budget;
        Assert.Equal(RunPhase.Completed, run.Phase);
        Assert.All(history, h => Assert.InRange(h.Attempts, 1, perIteration));
        Assert.True(run.Samples >= 80 && run.Samples - history[^1].Attempts < 80, $"{run.Samples} rollouts in {history.Length} iterations");
        Assert.Equal(history.Select(h => h.Iteration), metrics.Skip(1).Select(m => m.Iteration));
        Assert.All(history, h => Assert.True(h.Rounds >= 1));
        Assert.NotNull(metrics[^1].EvalAccuracy);

        // The seed is this test's own, so is the prompt set: its grains hold exactly this run's rollouts.
        long recorded = 0;
        for (int i = 0; i < settings.TrainPrompts; i++)
        {
            var prompt = await fixture.Client.GetGrain<IPromptGrain>($"{settings.PromptSet}-{i:D5}").GetSnapshotAsync();
            recorded += prompt!.Statistics.Attempts;
        }

        Assert.Equal(run.Samples, recorded);
    }

    [Fact]
    public async Task ReusedEstimatesSkipStageOne()
    {
        // Four prompts, B = 4: both iterations draw the whole set. Every estimate is reusable
        // (any interval is narrower than 1.01, one version of lag allowed), so iteration 2 skips
        // stage 1 and draws only its N = 16 stage-2 responses.
        var settings = Tiny(6, TempFolder(), trainPrompts: 4, reuse: new Stage1Reuse(MaxPolicyLag: 1, MaxInterval: 1.0, Samples: 0));
        var metrics = await new ArithmeticRun(fixture.Client, settings).RunAsync();
        Assert.Equal([0L, 32L, 48L], metrics.Select(m => m.Samples));
        var run = (await fixture.Client.GetGrain<ITrainingRunGrain>(settings.RunId).GetSnapshotAsync())!;
        Assert.Equal([0, 4], run.History.Select(h => h.Stage1Reused));
    }

    [Fact]
    public async Task PausedRunStopsAtAStepBoundaryAndResumes()
    {
        var settings = Tiny(7, TempFolder(), iterations: 3);
        var task = new ArithmeticRun(fixture.Client, settings).RunAsync();
        var run = fixture.Client.GetGrain<ITrainingRunGrain>(settings.RunId);
        await WaitForAsync(async () => (await run.GetSnapshotAsync())?.CompletedIterations >= 1);
        var paused = await run.PauseAsync();
        Assert.Equal(RunPhase.Paused, paused.Phase);

        // Whatever step was in flight finishes; after that nothing moves.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var before = (await run.GetSnapshotAsync())!;
        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = (await run.GetSnapshotAsync())!;
        Assert.Equal((before.CompletedIterations, before.Step), (after.CompletedIterations, after.Step));
        Assert.True(after.CompletedIterations < 3);

        Assert.Equal(RunPhase.Running, (await run.ResumeAsync()).Phase);
        var metrics = await task.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(3, metrics[^1].Iteration);
        Assert.Equal(3 * 32L, metrics[^1].Samples);
    }

    [Fact]
    public async Task AWorkerSiloStartedDuringARunTakesWork()
    {
        var settings = Tiny(8, TempFolder(), iterations: 4);
        var task = new ArithmeticRun(fixture.Client, settings).RunAsync();
        var run = fixture.Client.GetGrain<ITrainingRunGrain>(settings.RunId);
        await WaitForAsync(async () => (await run.GetSnapshotAsync())?.CompletedIterations >= 1);

        var silo = await fixture.Cluster.StartAdditionalSiloAsync();
        await task.WaitAsync(TimeSpan.FromMinutes(2));

        // The new silo's worker heartbeats to the directory and completed items of this run.
        var workers = await fixture.Client.GetGrain<IWorkerDirectoryGrain>(0).GetWorkersAsync();
        var joined = Assert.Single(workers, w => w.Silo == silo.Name);
        Assert.True(joined.Items > 0, $"worker on {silo.Name} completed no item");
    }

    [Fact]
    public async Task APromptLongerThanTheContextIsLeftOutListedAndNeverTrainedOnAndTheRunGoesOn()
    {
        string set = "too-long-set";
        var prompts = new[]
        {
            new PromptDefinition("fits-1", "1+1=", "2", VerifierKinds.Exact),
            new PromptDefinition("too-long-1", string.Concat(Enumerable.Repeat("1+", 40)) + "1=", "41", VerifierKinds.Exact),
        };
        await new Client.Import.PromptImporter(fixture.Client).ImportAsync(prompts, set: set);
        var run = fixture.Client.GetGrain<ITrainingRunGrain>("too-long-run");
        await run.CreateAsync(new RunConfig(
            Allocator: AllocatorKind.Uniform, Budget: 4, BatchSize: 2, Stage1Samples: 2, Iterations: 2, PromptSet: set,
            Policy: new PolicySettings(WarmupSteps: 2, WarmupExamples: 4, EvalPrompts: 2)));

        // The start reads no training prompt; the worker that draws the long one leaves it out.
        Assert.Equal(RunPhase.Running, (await run.StartAsync()).Phase);
        await WaitForAsync(async () => (await run.GetSnapshotAsync())!.Phase is RunPhase.Completed or RunPhase.Failed);
        var snapshot = (await run.GetSnapshotAsync())!;
        Assert.True(snapshot.Phase == RunPhase.Completed, snapshot.LastError);

        // 40 × "1+" and "1=": 82 characters, one token each, after the beginning-of-sequence token.
        string reason = Assert.Single(snapshot.Excluded!);
        Assert.StartsWith("prompt 'too-long-1' is 83 tokens; with policy.maxNewTokens 8 it exceeds max_position_embeddings 64", reason);
        Assert.Contains("config.json", reason);
        Assert.Equal(1, snapshot.ExcludedCount);

        // Each iteration drew both prompts (B = 2): the short one was trained on, the long one never.
        var queue = fixture.Client.GetGrain<IRolloutQueueGrain>("too-long-run");
        var drawn = (await queue.GetResponsesAsync(2)).Select(r => r.PromptId).Distinct().ToList();
        Assert.Equal(["fits-1"], drawn);
        Assert.Equal(0, (await fixture.Client.GetGrain<IPromptGrain>("too-long-1").GetSnapshotAsync())!.Statistics.Attempts);
        Assert.True((await fixture.Client.GetGrain<IPromptGrain>("fits-1").GetSnapshotAsync())!.Statistics.Attempts > 0);
    }

    [Fact]
    public async Task AWatcherHearsTheWarmUpsStepsAndTheCheckpointsBytes()
    {
        string set = "watched-set";
        var prompts = ArithmeticTask.Generate(4, 7, set).Select(p => new PromptDefinition(p.Id, p.Text, p.Answer, VerifierKinds.Exact)).ToList();
        await new Client.Import.PromptImporter(fixture.Client).ImportAsync(prompts, set: set);
        var run = fixture.Client.GetGrain<ITrainingRunGrain>("watched-run");
        await run.CreateAsync(new RunConfig(
            Budget: 4, BatchSize: 2, Stage1Samples: 2, Iterations: 1, PromptSet: set,
            Policy: new PolicySettings(WarmupSteps: 60, WarmupExamples: 8, EvalPrompts: 2)));
        await run.StartAsync();

        var jobs = new List<TrainerJob>();
        var bytes = new List<(long Done, long All)>();
        string folder = Path.Combine(Path.GetTempPath(), $"gvm-watched-{Guid.NewGuid():N}");
        await new Client.Runs.RunWatcher(fixture.Client, "watched-run", folder, onJob: jobs.Add, onDownload: (done, all) => bytes.Add((done, all)))
            .WatchAsync().WaitAsync(TimeSpan.FromMinutes(2));

        // The warm-up was seen while it ran (once its step count was known), its steps counted
        // against 60 and never going back.
        var warmUp = jobs.Where(j => j.Kind == TrainerJob.WarmUp && j.Steps > 0).ToList();
        Assert.NotEmpty(warmUp);
        Assert.All(warmUp, j => Assert.True(j.Steps == 60 && j.Step <= 60, $"step {j.Step}/{j.Steps}"));
        Assert.Equal(warmUp.Select(j => j.Step).Order(), warmUp.Select(j => j.Step));

        // The final checkpoint's bytes, rising to the whole of the files written.
        Assert.NotEmpty(bytes);
        Assert.Equal(bytes[^1].All, bytes[^1].Done);
        Assert.Equal(Directory.GetFiles(Path.Combine(folder, "checkpoint")).Sum(f => new FileInfo(f).Length), bytes[^1].All);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task StartingWithoutAPromptSetIsRefusedWithTheReason()
    {
        var run = fixture.Client.GetGrain<ITrainingRunGrain>("driven-no-set");
        await run.CreateAsync(new RunConfig(Budget: 4, BatchSize: 2));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => run.StartAsync());
        Assert.Contains("promptSet", e.Message);

        var empty = fixture.Client.GetGrain<ITrainingRunGrain>("driven-empty-set");
        await empty.CreateAsync(new RunConfig(Budget: 4, BatchSize: 2, PromptSet: "never-imported"));
        e = await Assert.ThrowsAsync<InvalidOperationException>(() => empty.StartAsync());
        Assert.Contains("never-imported", e.Message);
    }

    private async Task<HashSet<string>> HostsAsync(params string[] grainClasses)
    {
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        var stats = await management.GetDetailedGrainStatistics();
        var names = fixture.Cluster.Silos.ToDictionary(s => s.SiloAddress, s => s.Name);
        return [.. stats.Where(s => grainClasses.Any(c => s.GrainType.Contains(c, StringComparison.Ordinal))).Select(s => names[s.SiloAddress])];
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within a minute");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task OneSeedGivesTheSameMetricsTwice()
    {
        // Two runs of one seed under different run ids: draws are seeded by (run seed, iteration,
        // stage, prompt, draw index), never by which worker claimed what, and the update steps through
        // its examples in an order of the seed's. Everything but wall time must repeat, the update's
        // loss, clip fraction and KL included.
        string first = TempFolder(), second = TempFolder();
        await new ArithmeticRun(fixture.Client, Tiny(13, first, iterations: 3) with { RunName = "repeat-a-s13" }).RunAsync();
        await new ArithmeticRun(fixture.Client, Tiny(13, second, iterations: 3) with { RunName = "repeat-b-s13" }).RunAsync();

        static List<string> WithoutTime(string folder) => [.. File.ReadAllLines(Path.Combine(folder, "metrics.jsonl")).Select(line =>
        {
            var fields = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(line)!;
            fields.Remove("seconds");
            return JsonSerializer.Serialize(fields);
        })];
        var a = WithoutTime(first);
        Assert.Equal(4, a.Count);
        Assert.Equal(a, WithoutTime(second));
        Assert.Contains("\"clipFraction\"", a[^1], StringComparison.Ordinal);
        Assert.Contains("\"approxKl\"", a[^1], StringComparison.Ordinal);
        Assert.Equal(File.ReadAllLines(Path.Combine(first, "allocations.jsonl")), File.ReadAllLines(Path.Combine(second, "allocations.jsonl")));
    }

    private static string TempFolder() => Path.Combine(Path.GetTempPath(), $"gvm-run-{Guid.NewGuid():N}");
}
