using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Policy.Tasks;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Tests.Backends;
using Orleans.GvmRaft.Workers;
using Xunit.Abstractions;

namespace Orleans.GvmRaft.Tests.Processes;

/// <summary>
/// Faults played out on real processes (gvm-silo, gvm-worker) over PostgreSQL: a worker killed
/// with leased work, a silo killed in the middle of an iteration, a worker silo started during a
/// run, and a whole cluster restarted (stopped, then started again) under a paused run. After
/// each, the workers' own ledgers, the queue's records and every prompt's persisted counts must
/// agree (<see cref="RunAudit"/>): nothing lost, nothing counted twice.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ProcessFaultTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const int Prompts = 24;

    private static RunConfig Config(string set, int iterations) => new(
        Budget: 24, BatchSize: 6, Stage1Samples: 4, Iterations: iterations, PromptSet: set, EvalEvery: 2,
        Policy: new PolicySettings(Seed: 3, WarmupSteps: 150, WarmupExamples: 300, EvalPrompts: 6));

    [Fact]
    public async Task AKilledWorkersLeasedWorkIsIssuedAgainAndFinished()
    {
        await using var cluster = await ProcessCluster.CreateAsync(postgres);
        await RunAsync(cluster, async () =>
        {
            await cluster.StartSiloAsync();
            await cluster.StartWorkerAsync();
            await cluster.StartWorkerAsync();
            await using var client = await cluster.ConnectAsync();
            // Enough iterations that the lease hunt below gets many stages to look into.
            var run = await StartRunAsync(client, "killed-worker", iterations: 8);

            // Catch a worker with a lease out and kill it before it can report.
            var workers = cluster.Processes.Where(p => p.Name.StartsWith("worker", StringComparison.Ordinal)).ToList();
            var (iteration, stage, holder, unsent) = await KillALeaseHolderAsync(client.Client, "killed-worker", workers, cluster.LedgerFolder);
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} killed {holder.Name} holding {string.Join(", ", unsent)} (iteration {iteration}, {stage}), not sent");

            await WaitForCompletionAsync(run);
            await RunAudit.AssertAsync(client.Client, "killed-worker", PromptIds("killed-worker"), cluster.LedgerFolder, killed: holder.WorkerId);

            // Each item it held and had not sent was issued again and finished by another worker.
            var records = await client.Client.GetGrain<IRolloutQueueGrain>("killed-worker").GetItemsAsync(iteration, stage);
            foreach (string itemId in unsent)
            {
                var record = Assert.Single(records, r => r.ItemId == itemId);
                Assert.True(record.Leases >= 2, $"{itemId} was leased {record.Leases} time(s)");
                Assert.NotNull(record.CompletedBy);
                Assert.NotEqual(holder.WorkerId, record.CompletedBy);
            }
        });
    }

    // A silo's death also deactivates, on the survivors, the activations whose grain directory
    // partition it held (the run grain among them): the run's drive reminder revives the run
    // (Runs/TrainingRunGrain.Driving.cs, RevivePeriod); the rollout workers, hosted services, go on.
    [Fact]
    public async Task ARunSurvivesASiloKilledInTheMiddleOfAnIteration()
    {
        await using var cluster = await ProcessCluster.CreateAsync(postgres);
        await RunAsync(cluster, async () =>
        {
            var first = await cluster.StartSiloAsync();
            var second = await cluster.StartSiloAsync();
            await cluster.StartWorkerAsync();
            await using var client = await cluster.ConnectAsync();
            var run = await StartRunAsync(client, "killed-silo", iterations: 4);
            await WaitForAsync(async () => await run.GetSnapshotAsync() is { CompletedIterations: >= 1, Step: IterationStep.Estimate or IterationStep.Sample } ? true : (bool?)null, TimeSpan.FromMinutes(2));

            // The silo hosting the run grain if it is one of the two plain silos, else the first.
            var hosts = await HostPortsAsync(client.Client, "TrainingRunGrain");
            var victim = new[] { first, second }.FirstOrDefault(p => hosts.Contains(p.SiloPort)) ?? first;
            victim.Kill();
            output.WriteLine($"killed {victim.Name} (run grain on ports {string.Join(",", hosts)})");

            await WaitForCompletionAsync(run);
            await RunAudit.AssertAsync(client.Client, "killed-silo", PromptIds("killed-silo"), cluster.LedgerFolder);
        });
    }

    // The trainer's update is a background job of its silo. Killed with it, the job is started
    // again by the trainer's next activation, on the other trainer silo, from the last stored
    // version; the run finishes as if nothing happened. Single-response mini-batches make each
    // update a few seconds long, long enough to be caught in the act.
    [Fact]
    public async Task ATrainerJobKilledWithItsSiloStartsAgainFromTheLastStoredVersion()
    {
        await using var cluster = await ProcessCluster.CreateAsync(postgres);
        await RunAsync(cluster, async () =>
        {
            await cluster.StartSiloAsync();
            var workers = new[] { await cluster.StartWorkerAsync(), await cluster.StartWorkerAsync() };
            await using var client = await cluster.ConnectAsync();
            var plain = Config("killed-trainer-set", iterations: 4);
            var config = plain with { Budget = 96, Stage1Samples = 8, Policy = plain.PolicyOrDefault with { MiniBatch = 1 } };
            var run = await StartRunAsync(client, "killed-trainer", config);
            var trainer = PolicyTrainers.Model(client.Client, "killed-trainer");

            var job = await WaitForAsync(async () => await trainer.GetJobAsync() is { Kind: TrainerJob.Update, Done: false, Step: > 0 } j ? j : null, TimeSpan.FromMinutes(3), poll: TimeSpan.FromMilliseconds(20));
            var victim = Assert.Single(workers, w => w.Name == job.Silo);
            victim.Kill();
            output.WriteLine($"killed {victim.Name} at step {job.Step} of {job.Steps} of the update to version {job.Version}");

            var final = await WaitForCompletionAsync(run);
            Assert.Equal(4, final.PolicyVersion);
            var survivor = Assert.Single(workers, w => w != victim);
            Assert.Contains($"run killed-trainer: loaded the trainer from version {job.Version - 1} ", survivor.Output, StringComparison.Ordinal);
            Assert.Equal(4, (await trainer.GetPolicyAsync()).Version);
            await RunAudit.AssertAsync(client.Client, "killed-trainer", PromptIds("killed-trainer"), cluster.LedgerFolder, killed: victim.WorkerId);
        });
    }

    [Fact]
    public async Task AWorkerSiloStartedDuringARunGetsWorkWithinAnIteration()
    {
        await using var cluster = await ProcessCluster.CreateAsync(postgres);
        await RunAsync(cluster, async () =>
        {
            await cluster.StartSiloAsync();
            await cluster.StartWorkerAsync();
            await using var client = await cluster.ConnectAsync();
            var run = await StartRunAsync(client, "joining-worker", iterations: 6);
            await WaitForAsync(async () => (await run.GetSnapshotAsync())!.CompletedIterations >= 1 ? true : (bool?)null, TimeSpan.FromMinutes(2));

            var joined = await cluster.StartWorkerAsync();
            int atJoin = (await run.GetSnapshotAsync())!.CompletedIterations;

            // Within one full iteration after it joined, the new worker has claimed work. Its own log
            // is the evidence: the directory learns of completed items only at the next heartbeat
            // (2 s), which here is longer than an iteration.
            await WaitForAsync(
                async () =>
                {
                    if (joined.Output.Contains("items of run joining-worker", StringComparison.Ordinal))
                    {
                        return true;
                    }

                    Assert.True((await run.GetSnapshotAsync())!.CompletedIterations <= atJoin + 2, "the new worker got no work within an iteration");
                    return (bool?)null;
                },
                TimeSpan.FromMinutes(2),
                poll: TimeSpan.FromMilliseconds(50));

            // And the directory hears of its completed items.
            var directory = client.Client.GetGrain<IWorkerDirectoryGrain>(0);
            await WaitForAsync(
                async () => (await directory.GetWorkersAsync()).FirstOrDefault(w => w.WorkerId == joined.WorkerId) is { Items: > 0 } ? true : (bool?)null,
                TimeSpan.FromMinutes(1));

            await WaitForCompletionAsync(run);
            await RunAudit.AssertAsync(client.Client, "joining-worker", PromptIds("joining-worker"), cluster.LedgerFolder);
        });
    }

    [Fact]
    public async Task APausedRunResumesWhereItStoppedAfterTheWholeClusterRestarts()
    {
        await using var cluster = await ProcessCluster.CreateAsync(postgres);
        await RunAsync(cluster, async () =>
        {
            await cluster.StartSiloAsync();
            await cluster.StartWorkerAsync();
            RunSnapshot paused;
            await using (var client = await cluster.ConnectAsync())
            {
                var run = await StartRunAsync(client, "restarted", iterations: 4);
                await WaitForAsync(async () => (await run.GetSnapshotAsync())!.CompletedIterations >= 1 ? true : (bool?)null, TimeSpan.FromMinutes(2));
                await run.PauseAsync();

                // The step in flight finishes; then the run holds still.
                paused = await WaitForAsync(
                    async () =>
                    {
                        var a = (await run.GetSnapshotAsync())!;
                        await Task.Delay(1500);
                        var b = (await run.GetSnapshotAsync())!;
                        return (a.CompletedIterations, a.Step, a.PolicyVersion) == (b.CompletedIterations, b.Step, b.PolicyVersion) ? b : null;
                    },
                    TimeSpan.FromMinutes(1));
            }

            await cluster.StopAllAsync();
            await cluster.StartSiloAsync();
            await cluster.StartWorkerAsync();
            await using (var client = await cluster.ConnectAsync())
            {
                var run = client.Client.GetGrain<ITrainingRunGrain>("restarted");
                var restored = (await run.GetSnapshotAsync())!;
                Assert.Equal(RunPhase.Paused, restored.Phase);
                Assert.Equal((paused.CompletedIterations, paused.Step, paused.PolicyVersion), (restored.CompletedIterations, restored.Step, restored.PolicyVersion));

                await run.ResumeAsync();
                var final = await WaitForCompletionAsync(run);
                Assert.Equal([1, 2, 3, 4], final.History.Select(h => h.Iteration));
                Assert.Equal(4, final.PolicyVersion);
                await RunAudit.AssertAsync(client.Client, "restarted", PromptIds("restarted"), cluster.LedgerFolder);
            }
        });
    }

    private static Task<ITrainingRunGrain> StartRunAsync(ClusterConnection client, string runId, int iterations) =>
        StartRunAsync(client, runId, Config($"{runId}-set", iterations));

    private static async Task<ITrainingRunGrain> StartRunAsync(ClusterConnection client, string runId, RunConfig config)
    {
        string set = config.PromptSet!;
        var prompts = ArithmeticTask.Generate(Prompts, 3, set)
            .Select(p => new PromptDefinition(p.Id, p.Text, p.Answer, VerifierKinds.Exact)).ToList();
        await new PromptImporter(client.Client).ImportAsync(prompts, set: set);
        var run = client.Client.GetGrain<ITrainingRunGrain>(runId);
        await run.CreateAsync(config);
        await run.StartAsync();
        return run;
    }

    // The silo ports where activations of a grain class live, from the management grain.
    private static async Task<HashSet<int>> HostPortsAsync(IGrainFactory grains, string grainClass)
    {
        var stats = await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return [.. stats.Where(s => s.GrainType.Contains(grainClass, StringComparison.Ordinal)).Select(s => s.SiloAddress.Endpoint.Port)];
    }

    // Waits for a rollout stage after iteration `after` with work in flight and kills a worker that
    // holds a lease in it on an item it has not sent results for (its ledger, written before every
    // send, has no line for it): that item can only be finished by being issued again. Polling
    // alone misses most leases (an item takes milliseconds), so each look freezes the workers
    // first: while frozen none can report, claim or write, so what is seen holds when the holder
    // is killed. The freeze lasts milliseconds, well inside the failure-detection window, and the
    // test's client never routes through a worker (no gateway). A stage's work is done in tens of
    // milliseconds of its ~250 ms step, so it looks every 20 ms.
    private static async Task<(int Iteration, RolloutStage Stage, SiloProcess Holder, string[] Unsent)> KillALeaseHolderAsync(
        IGrainFactory grains, string runId, IReadOnlyList<SiloProcess> workers, string ledgerFolder, int after = 1) =>
        (await WaitForAsync<Tuple<int, RolloutStage, SiloProcess, string[]>>(
            async () =>
            {
                var s = (await grains.GetGrain<ITrainingRunGrain>(runId).GetSnapshotAsync())!;
                if (s.CompletedIterations < after || s.Step is not (IterationStep.Estimate or IterationStep.Sample))
                {
                    return null;
                }

                int iteration = s.CompletedIterations + 1;
                var stage = s.Step == IterationStep.Estimate ? RolloutStage.Estimate : RolloutStage.Sample;
                await SiloProcess.SignalAsync(workers, frozen: true);
                try
                {
                    var items = await grains.GetGrain<IRolloutQueueGrain>(runId).GetItemsAsync(iteration, stage);
                    var sent = RunAudit.ReadLedgers(ledgerFolder).Where(e => e.Event == "sent").Select(e => (e.Item, e.Worker)).ToHashSet();
                    foreach (var victim in workers)
                    {
                        string[] unsent = [.. items.Where(i => i.LeasedTo == victim.WorkerId && !sent.Contains((i.ItemId, victim.WorkerId))).Select(i => i.ItemId)];
                        if (unsent.Length > 0)
                        {
                            victim.Kill();
                            return Tuple.Create(iteration, stage, victim, unsent);
                        }
                    }

                    return null;
                }
                finally
                {
                    await SiloProcess.SignalAsync(workers.Where(w => !w.HasExited), frozen: false);
                }
            },
            TimeSpan.FromMinutes(2),
            poll: TimeSpan.FromMilliseconds(20))).ToValueTuple();

    private static async Task<RunSnapshot> WaitForCompletionAsync(ITrainingRunGrain run)
    {
        RunSnapshot? last = null;
        try
        {
            return await WaitForAsync(async () => (last = await run.GetSnapshotAsync()) is { Phase: RunPhase.Completed } s ? s : null, TimeSpan.FromMinutes(3));
        }
        catch (TimeoutException e) when (last is not null)
        {
            throw new TimeoutException(
                $"{e.Message}: the run is {last.Phase} at iteration {last.CompletedIterations + 1}, step {last.Step}, last error: {last.LastError ?? "none"}", e.InnerException);
        }
    }

    private static string[] PromptIds(string runId) => [.. ArithmeticTask.Generate(Prompts, 3, $"{runId}-set").Select(p => p.Id)];

    private async Task RunAsync(ProcessCluster cluster, Func<Task> test)
    {
        try
        {
            await test();
        }
        catch
        {
            output.WriteLine(cluster.Outputs());
            throw;
        }
    }

    // Polls until the probe returns a value; calls that fail while the cluster heals are retried.
    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan within, TimeSpan? poll = null)
    {
        var deadline = DateTime.UtcNow + within;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                last = e;
            }

            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(250));
        }

        throw new TimeoutException($"condition not reached within {within}", last);
    }
}
