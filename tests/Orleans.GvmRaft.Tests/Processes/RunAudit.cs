using System.Text.Json;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Worker.Rollouts;

namespace Orleans.GvmRaft.Tests.Processes;

/// <summary>
/// A finished run checked three ways: the workers' ledgers (files no grain writes), the queue's
/// record of every item, and each prompt's persisted counts. Nothing lost, nothing counted twice.
/// </summary>
public static class RunAudit
{
    /// <summary>Every ledger line of every worker in <paramref name="folder"/>.</summary>
    public static List<LedgerEntry> ReadLedgers(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*.jsonl").SelectMany(File.ReadLines).Select(l => JsonSerializer.Deserialize<LedgerEntry>(l)!)];

    /// <summary>
    /// Asserts that the ledgers, the queue and the prompts agree for <paramref name="runId"/> over
    /// <paramref name="promptIds"/>. An item may be completed by results whose answer the worker
    /// never wrote down only when its call failed (<c>unanswered</c>) or the worker is
    /// <paramref name="killed"/> (killed with SIGKILL, its call perhaps in flight).
    /// </summary>
    public static async Task AssertAsync(IGrainFactory grains, string runId, IReadOnlyList<string> promptIds, string ledgerFolder, string? killed = null)
    {
        var run = (await grains.GetGrain<ITrainingRunGrain>(runId).GetSnapshotAsync())!;
        var config = run.Config;
        Assert.Equal(Enumerable.Range(1, config.Iterations), run.History.Select(h => h.Iteration));

        var queue = grains.GetGrain<IRolloutQueueGrain>(runId);
        var records = new List<WorkItemRecord>();
        foreach (int iteration in Enumerable.Range(1, config.Iterations))
        {
            records.AddRange(await queue.GetItemsAsync(iteration, RolloutStage.Estimate));
            records.AddRange(await queue.GetItemsAsync(iteration, RolloutStage.Sample));
        }

        var ledger = ReadLedgers(ledgerFolder).Where(e => e.Run == runId).ToList();
        var sent = ledger.Where(e => e.Event == "sent").ToLookup(e => (e.Item, e.Worker));
        var accepted = ledger.Where(e => e.Event == "accepted").ToLookup(e => e.Item);
        var unanswered = ledger.Where(e => e.Event == "unanswered").Select(e => (e.Item, e.Worker)).ToHashSet();

        // The queue against the ledgers: every item completed, by a worker that wrote down sending
        // exactly the counts the queue recorded; every answer "accepted" is that item's winner.
        Assert.All(records, r =>
        {
            Assert.True(r.CompletedBy is not null, $"item {r.ItemId} was never completed");
            var mine = sent[(r.ItemId, r.CompletedBy!)].ToList();
            Assert.True(mine.Count > 0, $"item {r.ItemId}: the queue says {r.CompletedBy} completed it, but its ledger never sent it");
            Assert.Contains((r.Drawn, r.Accepted), mine.Select(e => (e.Attempts, e.Acceptances)));
            Assert.Equal(r.Count, r.Drawn);
            var wins = accepted[r.ItemId].ToList();
            Assert.True(wins.Count <= 1, $"item {r.ItemId} was accepted {wins.Count} times");
            if (wins is [var win])
            {
                Assert.Equal((r.CompletedBy, r.Drawn, r.Accepted), (win.Worker, win.Attempts, win.Acceptances));
            }
            else
            {
                // Only a call whose answer never came back: the worker was killed, or its call failed.
                Assert.True(
                    r.CompletedBy == killed || unanswered.Contains((r.ItemId, r.CompletedBy!)),
                    $"item {r.ItemId}: completed by {r.CompletedBy}, whose ledger has no answer for it");
            }
        });
        Assert.All(accepted, g => Assert.Contains(records, r => r.ItemId == g.Key));

        // The prompts against both: each prompt's lifetime counts are the sum of its winning
        // results, as the ledgers wrote them and as the queue recorded them.
        var winning = records.Select(r => sent[(r.ItemId, r.CompletedBy!)].First(e => (e.Attempts, e.Acceptances) == (r.Drawn, r.Accepted))).ToList();
        var snapshots = await Task.WhenAll(promptIds.Select(id => grains.GetGrain<IPromptGrain>(id).GetSnapshotAsync()));
        for (int i = 0; i < promptIds.Count; i++)
        {
            var byLedger = winning.Where(e => records.First(r => r.ItemId == e.Item).PromptId == promptIds[i]);
            var byQueue = records.Where(r => r.PromptId == promptIds[i]);
            var stats = snapshots[i]!.Statistics;
            Assert.Equal((byLedger.Sum(e => (long)e.Attempts), byLedger.Sum(e => (long)e.Acceptances)), (stats.Attempts, stats.Acceptances));
            Assert.Equal((byQueue.Sum(r => (long)r.Drawn), byQueue.Sum(r => (long)r.Accepted)), (stats.Attempts, stats.Acceptances));
        }

        // And the run's own totals against the configuration: B · n0 + N responses per iteration.
        long perIteration = (config.BatchSize * config.Stage1Samples) + config.Budget;
        Assert.Equal(perIteration * config.Iterations, winning.Sum(e => (long)e.Attempts));
        Assert.Equal(run.Samples, winning.Sum(e => (long)e.Attempts));
        Assert.Equal(run.History.Sum(h => (long)h.Acceptances), winning.Sum(e => (long)e.Acceptances));
        Assert.True(winning.Sum(e => e.Acceptances) > 0, "the warmed-up policy should solve some prompts");
    }
}
