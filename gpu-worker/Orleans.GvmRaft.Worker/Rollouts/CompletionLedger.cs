using System.Text.Json;
using Orleans.GvmRaft.Rollouts;

namespace Orleans.GvmRaft.Worker.Rollouts;

/// <summary>
/// A worker's own record of the results it sends, one JSON line per item and event, in a file no
/// grain writes (<c>Gvm:Worker:Ledger</c>): <c>sent</c> before the completion call, then what the
/// queue answered (<c>accepted</c>, <c>duplicate</c>, <c>refused</c>), or <c>unanswered</c> when
/// the call failed: a silo on its path died, and the queue may or may not have recorded the
/// results (its outbox finishes what it persisted). An audit of a run compares
/// it with the queue's records and the prompts' counts; the fault tests do.
/// </summary>
public sealed class CompletionLedger
{
    private readonly string _path;
    private readonly string _workerId;

    /// <summary>The ledger of <paramref name="workerId"/> in <paramref name="folder"/> (one file per worker).</summary>
    public CompletionLedger(string folder, string workerId)
    {
        Directory.CreateDirectory(folder);
        _path = Path.Combine(folder, $"{workerId}.jsonl");
        _workerId = workerId;
    }

    /// <summary>Records that the results of <paramref name="items"/> are about to be sent; written through to the file before it returns.</summary>
    public void Sent(IReadOnlyList<RolloutWorkItem> items, IReadOnlyList<ItemResults> results) =>
        Append(results.Select((r, i) => Line("sent", items[i], r)));

    /// <summary>Records the queue's answer for each result.</summary>
    public void Answered(IReadOnlyList<RolloutWorkItem> items, IReadOnlyList<ItemResults> results, IReadOnlyList<CompletionDisposition> dispositions) =>
        Append(results.Select((r, i) => Line(dispositions[i].ToString().ToLowerInvariant(), items[i], r)));

    /// <summary>Records that the completion call failed, so the queue's answer is unknown.</summary>
    public void Unanswered(IReadOnlyList<RolloutWorkItem> items, IReadOnlyList<ItemResults> results) =>
        Append(results.Select((r, i) => Line("unanswered", items[i], r)));

    private string Line(string what, RolloutWorkItem item, ItemResults r) => JsonSerializer.Serialize(new LedgerEntry(
        what, _workerId, r.ItemId, item.PromptId, r.Report.RunId, r.Report.Iteration, r.Report.Stage.ToString(), r.Report.Attempts, r.Report.Acceptances));

    private void Append(IEnumerable<string> lines)
    {
        // Flushed to the operating system before the call goes out, so a worker killed the moment
        // after still leaves the line (the fault tests kill workers with SIGKILL).
        using var file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        using var writer = new StreamWriter(file);
        foreach (string line in lines)
        {
            writer.WriteLine(line);
        }

        writer.Flush();
        file.Flush(flushToDisk: false);
    }
}
