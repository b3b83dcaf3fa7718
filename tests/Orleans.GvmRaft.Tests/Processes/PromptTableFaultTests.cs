using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.PromptSets;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Tests.Backends;
using Orleans.GvmRaft.Tests.PromptTable;
using Xunit.Abstractions;

namespace Orleans.GvmRaft.Tests.Processes;

/// <summary>
/// kill -9 of a gvm-silo process whose prompts live in the typed table, on SQLite and PostgreSQL:
/// in the middle of a bulk import (which, run again, converges to every prompt once in its set)
/// and in the middle of recording a stage (after which every report the queue acknowledged is in
/// its prompt's row, and each row's counts equal the run's record). The rows are read with the
/// database's own client.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class PromptTableFaultTests(PostgresServer postgres, ITestOutputHelper output)
{
    public static TheoryData<string> Stores => new() { "Sqlite", "PostgreSql" };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task AnImportKilledHalfWayConvergesWhenRunAgain(string store)
    {
        await using var cluster = await ProcessCluster.CreateAsync(postgres, store);
        await using var db = await TestTable.OpenAsync(store, cluster.ConnectionString);
        var prompts = Enumerable.Range(0, 60_000).Select(i => new PromptDefinition($"k-{i:D6}", $"{i % 97}*{i % 13}=", $"{i % 97 * (i % 13)}", VerifierKinds.Exact)).ToList();
        await RunAsync(cluster, async () =>
        {
            var silo = await cluster.StartSiloAsync();
            long atKill;
            await using (var client = await cluster.ConnectAsync())
            {
                var import = new PromptImporter(client.Client, batchSize: 1000).ImportAsync(prompts, set: "killed");
                atKill = await WaitForAsync(async () => await CountAsync(db) is var n and >= 10_000 ? n : (long?)null, import);
                silo.Kill();
                await Assert.ThrowsAnyAsync<Exception>(() => import);
            }

            long stored = await CountAsync(db);
            output.WriteLine($"killed with {atKill:N0} rows seen, {stored:N0} stored");
            Assert.True(stored < prompts.Count, "the import finished before the kill; nothing was tested");

            await cluster.DeclareDeadAsync(silo);
            await cluster.StartSiloAsync();
            await using (var client = await cluster.ConnectAsync())
            {
                var summary = await new PromptImporter(client.Client, batchSize: 1000).ImportAsync(prompts, set: "killed");
                Assert.Equal((prompts.Count - stored, stored), ((long)summary.Created, (long)summary.Unchanged));
                Assert.Equal(prompts.Select(p => p.Id), await client.Client.GetGrain<IPromptSetGrain>("killed").GetIdsAsync(0, prompts.Count + 10));
            }

            Assert.Equal(prompts.Count, await CountAsync(db, "killed"));
        });
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ASiloKilledWhileRecordingAStageLosesNoAcknowledgedReport(string store)
    {
        await using var cluster = await ProcessCluster.CreateAsync(postgres, store);
        await using var db = await TestTable.OpenAsync(store, cluster.ConnectionString);
        await RunAsync(cluster, async () =>
        {
            // PostgreSQL: two silos, one killed, the other carries on (a lone silo restarted would
            // first wait minutes for the dead one to be declared dead). SQLite: one silo,
            // restarted on the same file.
            var silo = await cluster.StartSiloAsync();
            if (store == "PostgreSql")
            {
                await cluster.StartSiloAsync();
            }

            var client = await cluster.ConnectAsync();
            try
            {
                var prompts = Enumerable.Range(0, 48).Select(i => new PromptDefinition($"rk-{i:D2}", $"{i}+1=", $"{i + 1}", VerifierKinds.Exact)).ToList();
                await new PromptImporter(client.Client).ImportAsync(prompts, set: "rk");
                var config = new RunConfig(
                    Budget: 64, BatchSize: 16, Stage1Samples: 4, Iterations: 5, EvalEvery: 100, PromptSet: "rk",
                    Policy: new PolicySettings(Preset: PolicySettings.External));
                await client.Client.GetGrain<ITrainingRunGrain>("rk-run").CreateAsync(config);
                await client.Client.GetGrain<ITrainingRunGrain>("rk-run").StartAsync();

                // Serve the run with a worker of our own, keeping every report the queue accepted,
                // and kill the silo right after an acknowledgement in iteration 2.
                var acknowledged = new Dictionary<string, RolloutReport>(StringComparer.Ordinal);
                bool killed = false;
                var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
                while (true)
                {
                    Assert.True(DateTime.UtcNow < deadline, "the run did not complete within 3 minutes");
                    try
                    {
                        var run = (await client.Client.GetGrain<ITrainingRunGrain>("rk-run").GetSnapshotAsync())!;
                        if (run.Phase == RunPhase.Completed)
                        {
                            break;
                        }

                        Assert.NotEqual(RunPhase.Failed, run.Phase);
                        var queue = client.Client.GetGrain<IRolloutQueueGrain>("rk-run");
                        var leases = await queue.ClaimAsync("rk-worker", 8);
                        if (leases.Length == 0)
                        {
                            await Task.Delay(20);
                            continue;
                        }

                        var results = leases.Select(l => Results(l.Item)).ToArray();
                        var dispositions = await queue.CompleteManyAsync("rk-worker", results);
                        for (int i = 0; i < results.Length; i++)
                        {
                            if (dispositions[i] == CompletionDisposition.Accepted)
                            {
                                acknowledged.TryAdd(results[i].ItemId, results[i].Report);
                            }
                        }

                        if (!killed && leases[0].Item.Iteration == 2)
                        {
                            silo.Kill();
                            killed = true;
                            output.WriteLine($"killed the silo after {acknowledged.Count} acknowledged reports");
                            if (store == "Sqlite")
                            {
                                await client.DisposeAsync();
                                silo = await cluster.StartSiloAsync();
                                client = await cluster.ConnectAsync();
                            }
                        }
                    }
                    catch (Exception e) when (killed && e is not Xunit.Sdk.XunitException)
                    {
                        // The cluster is coming back; a call in flight at the kill failed.
                        await Task.Delay(200);
                    }
                }

                Assert.True(killed);
                var final = (await client.Client.GetGrain<ITrainingRunGrain>("rk-run").GetSnapshotAsync())!;
                var records = new List<WorkItemRecord>();
                for (int iteration = 1; iteration <= config.Iterations; iteration++)
                {
                    foreach (var stage in new[] { RolloutStage.Estimate, RolloutStage.Sample })
                    {
                        records.AddRange(await client.Client.GetGrain<IRolloutQueueGrain>("rk-run").GetItemsAsync(iteration, stage));
                    }
                }

                // Every acknowledged report is the queue's record of its item.
                foreach (var (itemId, report) in acknowledged)
                {
                    var record = Assert.Single(records, r => r.ItemId == itemId);
                    Assert.Equal((report.Attempts, report.Acceptances), (record.Drawn, record.Accepted));
                }

                // Each prompt's row holds exactly what the queue recorded for it, and the run agrees.
                Assert.All(records, r => Assert.NotNull(r.CompletedBy));
                Assert.Equal(final.Samples, records.Sum(r => (long)r.Drawn));
                var rows = (await db.QueryAsync("SELECT id, attempts, acceptances FROM gvm_prompts")).ToDictionary(r => (string)r["id"]!);
                foreach (var prompt in prompts)
                {
                    var mine = records.Where(r => r.PromptId == prompt.Id).ToList();
                    Assert.Equal(
                        (mine.Sum(r => (long)r.Drawn), mine.Sum(r => (long)r.Accepted)),
                        (Convert.ToInt64(rows[prompt.Id]["attempts"]), Convert.ToInt64(rows[prompt.Id]["acceptances"])));
                }
            }
            finally
            {
                await client.DisposeAsync();
            }
        });
    }

    // A fixed acceptance pattern per item: every other response accepted, gradient norms of 1.
    private static ItemResults Results(RolloutWorkItem item)
    {
        int[] rewards = [.. Enumerable.Range(0, item.Count).Select(i => (i + item.PromptId.Length) % 2)];
        double[] norms = item.Stage == RolloutStage.Estimate ? [.. rewards.Where(r => r == 1).Select(_ => 1.0)] : [];
        return Client.External.ExternalWorker.Results(item, rewards, norms);
    }

    private static async Task<long> CountAsync(TestTable db, string? set = null)
    {
        string sql = set is null
            ? "SELECT COUNT(*) AS n FROM gvm_prompts"
            : db.Store == "Sqlite"
                ? $"SELECT COUNT(*) AS n FROM gvm_prompts AS p, json_each(p.sets) AS s WHERE s.value = '{set}'"
                : $"SELECT COUNT(*) AS n FROM gvm_prompts WHERE sets ? '{set}'";
        return Convert.ToInt64((await db.QueryAsync(sql))[0]["n"]);
    }

    // Polls until the probe has a value, failing if the watched task ends first.
    private static async Task<long> WaitForAsync(Func<Task<long?>> probe, Task watched)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.False(watched.IsCompleted, $"the import ended before the kill: {watched.Exception?.GetBaseException().Message ?? "it finished"}");
            await Task.Delay(50);
        }

        throw new TimeoutException("the import never got far enough to be killed.");
    }

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
}
