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
    /// <summary>
    /// Every ledger line of every worker in <paramref name="folder"/>. A worker killed while it
    /// wrote may leave its last line torn: that line is skipped (it was never followed by a send).
    /// </summary>
    public static List<LedgerEntry> ReadLedgers(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*.jsonl").SelectMany(file =>
        {
            string[] lines = File.ReadAllLines(file);
            return lines.Select((line, i) => Parse(line, last: i == lines.Length - 1)).OfType<LedgerEntry>();
        })];

    private static LedgerEntry? Parse(string line, bool last)
    {
        try
        {
            return JsonSerializer.Deserialize<LedgerEntry>(line);
        }
        catch (JsonException) when (last)
        {
            return null;
        }
    }

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
        var history = await grains.GetGrain<ITrainingRunGrain>(runId).GetIterationsAsync(0, int.MaxValue);
        Assert.Equal(Enumerable.Range(1, config.Iterations), history.Select(h => h.Iteration));

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
        var refused = ledger.Where(e => e.Event is "duplicate" or "refused").ToLookup(e => (e.Item, e.Worker));

        // Each item's winning results by the ledgers alone: the one answer "accepted"; or, when the
        // answer never came back (the call failed, or the worker was killed), what the worker that
        // the queue names sent — its one send of the item that was not answered "duplicate".
        var winners = new List<LedgerEntry>();
        foreach (var r in records)
        {
            Assert.True(r.CompletedBy is not null, $"item {r.ItemId} was never completed");
            var wins = accepted[r.ItemId].ToList();
            Assert.True(wins.Count <= 1, $"item {r.ItemId} was accepted {wins.Count} times");
            LedgerEntry winner;
            if (wins is [var win])
            {
                winner = win;
            }
            else
            {
                Assert.True(
                    r.CompletedBy == killed || unanswered.Contains((r.ItemId, r.CompletedBy!)),
                    $"item {r.ItemId}: completed by {r.CompletedBy}, whose ledger has no answer for it");
                var turnedDown = refused[(r.ItemId, r.CompletedBy!)].Select(e => (e.Attempts, e.Acceptances)).ToHashSet();
                var sends = sent[(r.ItemId, r.CompletedBy!)].Where(e => !turnedDown.Contains((e.Attempts, e.Acceptances))).ToList();
                Assert.True(sends.Count == 1, $"item {r.ItemId}: {r.CompletedBy} has {sends.Count} sends of it that could have won");
                winner = sends[0];
            }

            // The ledger against the queue, item by item: same worker, same counts.
            Assert.Equal((r.CompletedBy, r.PromptId, r.Drawn, r.Accepted), (winner.Worker, winner.Prompt, winner.Attempts, winner.Acceptances));
            Assert.Contains(sent[(r.ItemId, winner.Worker)], e => (e.Attempts, e.Acceptances) == (winner.Attempts, winner.Acceptances));
            winners.Add(winner);
        }

        Assert.All(accepted, g => Assert.Contains(records, r => r.ItemId == g.Key));

        // Each prompt's persisted lifetime counts against both: the sum of its winning results as
        // the ledgers wrote them, and as the queue recorded them.
        var snapshots = await Task.WhenAll(promptIds.Select(id => grains.GetGrain<IPromptGrain>(id).GetSnapshotAsync()));
        for (int i = 0; i < promptIds.Count; i++)
        {
            var byLedger = winners.Where(e => e.Prompt == promptIds[i]).ToList();
            var byQueue = records.Where(r => r.PromptId == promptIds[i]).ToList();
            var stats = snapshots[i]!.Statistics;
            Assert.Equal((byLedger.Sum(e => (long)e.Attempts), byLedger.Sum(e => (long)e.Acceptances)), (stats.Attempts, stats.Acceptances));
            Assert.Equal((byQueue.Sum(r => (long)r.Drawn), byQueue.Sum(r => (long)r.Accepted)), (stats.Attempts, stats.Acceptances));
        }

        // And the run's own totals against the configuration: B · n0 + N responses per iteration.
        long perIteration = (config.BatchSize * config.Stage1Samples) + config.Budget;
        Assert.Equal(perIteration * config.Iterations, winners.Sum(e => (long)e.Attempts));
        Assert.Equal(run.Samples, winners.Sum(e => (long)e.Attempts));
        Assert.Equal(history.Sum(h => (long)h.Acceptances), winners.Sum(e => (long)e.Acceptances));
        Assert.True(winners.Sum(e => e.Acceptances) > 0, "the warmed-up policy should solve some prompts");
    }
}
