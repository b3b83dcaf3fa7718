using Microsoft.Extensions.Logging;
using Orleans.GvmRaft.Allocation;
using Orleans.GvmRaft.Index;
using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Runs;

/// <summary>The end of an iteration: the update, the prompt index, and the iteration's summary in the run's history.</summary>
public sealed partial class TrainingRunGrain
{
    // False while the trainer's update job runs: the next tick looks in on it again.
    private async Task<bool> FinishIterationAsync(RunConfig config, int iteration)
    {
        var estimate = await Queue.GetProgressAsync(iteration, RolloutStage.Estimate);
        var sample = await Queue.GetProgressAsync(iteration, RolloutStage.Sample);
        bool evaluate = iteration % config.EvalEvery == 0
            || config.IsComplete(iteration, state.State.Samples + estimate.Attempts + sample.Attempts);
        if (await Trainer.UpdateAsync(iteration, evaluate) is not { } update)
        {
            return false;
        }

        await IndexAsync(iteration, state.State.Batch!, state.State.LastAllocation!);

        var plan = state.State.LastAllocation!;
        var counts = await IterationCountsAsync(iteration);
        int equalRewards = counts.Values.Count(c => !DynamicSampling.IsInformative(c.Drawn, c.Accepted));
        int[] stage1 = state.State.Stage1Counts!;
        int reused = stage1.Count(n => n != config.Stage1Samples);
        int skipped = config.Allocator == AllocatorKind.Greso
            ? state.State.SkippedAtPick
            : plan.PromptIds.Where((_, i) => i < stage1.Length && stage1[i] == 0 && plan.Samples[i] == 0).Count();
        int fromHistory = plan.PromptIds.Where((_, i) => i < stage1.Length && stage1[i] != config.Stage1Samples && plan.Samples[i] > 0).Count();
        long samples = state.State.Samples + estimate.Attempts + sample.Attempts;
        var summary = new IterationSummary(
            iteration,
            plan.PromptIds.Length,
            IterationBudget(config),
            plan.Samples.Count(n => n > 0),
            plan.Samples.Length == 0 ? 0 : plan.Samples.Max(),
            plan.Outcome,
            clock.GetUtcNow(),
            AllocationHistogram.Count(plan.Samples),
            estimate.Attempts + sample.Attempts,
            estimate.Acceptances + sample.Acceptances,
            samples,
            update.EvalAccuracy,
            update.Loss,
            DrivingSeconds(),
            reused,
            state.State.Round,
            equalRewards,
            update.ClipFraction,
            update.ApproxKl,
            estimate.Attempts,
            skipped,
            fromHistory);

        // Its history page first: a summary the run keeps is always in its page too, so the run's
        // own state can let go of it later. A repeat after a failed commit writes the page again.
        await grains.GetGrain<IRunHistoryGrain>(IRunHistoryGrain.Key(RunId, iteration)).AppendAsync([summary]);
        await CommitAsync(c =>
        {
            if (config.Allocator == AllocatorKind.Greso)
            {
                AdjustGreso(c, counts);
            }

            c.Samples = samples;
            c.History.Add(summary);
            KeepRecent(c);
            c.FinishedIterations = iteration;
            c.PolicyVersion = update.Version;
            c.Step = IterationStep.PickBatch;
            c.Batch = null;
            c.Stage1Counts = null;
            c.Priors = null;
            c.IterationBudget = null;
            c.Round = 0;
            c.RoundSamples = null;
        });
        ReportIterationFinished();
        return true;
    }

    // State written before the history pages existed holds every iteration: copied to the pages
    // once (a repeat rewrites them harmlessly), then the state keeps the recent ones only.
    private async Task ArchiveHistoryAsync()
    {
        var all = state.State.History.ToArray();
        await Task.WhenAll(all.GroupBy(h => IRunHistoryGrain.Key(RunId, h.Iteration))
            .Select(page => grains.GetGrain<IRunHistoryGrain>(page.Key).AppendAsync([.. page])));
        await CommitAsync(c =>
        {
            KeepRecent(c);
            c.HistoryArchived = true;
        });
        logger.LogInformation("run {RunId}: moved {Count} iterations of history to its history pages", RunId, all.Length);
    }

    private void KeepRecent(TrainingRunState s)
    {
        if (s.History.Count > _recentIterations)
        {
            s.History.RemoveRange(0, s.History.Count - _recentIterations);
        }
    }

    // The run's index for `gvm prompts top`, from the queue's records of the iteration (a prompt
    // it holds nothing for is asked directly); one write per shard.
    private async Task IndexAsync(int iteration, string[] batch, IterationAllocation plan)
    {
        var records = await IterationRecordsAsync(iteration);
        int[] missing = [.. Enumerable.Range(0, batch.Length).Where(i => !records.TryGetValue(batch[i], out var r) || r.SamplesSpent is null)];
        var snapshots = await BoundedFanOut.RunAsync(missing.Length, _maxConcurrentCalls, j => grains.GetGrain<IPromptGrain>(batch[missing[j]]).GetSnapshotAsync());
        for (int j = 0; j < missing.Length; j++)
        {
            records[batch[missing[j]]] = new IterationRecord(0, 0, snapshots[j]?.LatestEstimate, snapshots[j]?.Statistics.SamplesSpent ?? 0);
        }

        var entries = batch.Select((id, i) => new PromptIndexEntry(
            id,
            iteration,
            plan.Samples[i],
            records[id].Estimate?.AcceptRate ?? 0,
            records[id].Estimate?.GradNorm ?? 0,
            records[id].SamplesSpent ?? 0));
        await Task.WhenAll(entries.GroupBy(e => PromptIndex.ShardOf(e.PromptId))
            .Select(g => grains.GetGrain<IPromptIndexGrain>(PromptIndex.ShardKey(RunId, g.Key)).UpsertAsync([.. g])));
    }
}
