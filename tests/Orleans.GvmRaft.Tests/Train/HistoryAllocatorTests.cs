using Orleans.GvmRaft.Allocation;
using Orleans.GvmRaft.Embedded.Train;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Tests.Train;

/// <summary>
/// The allocators that read each prompt's visits (Knapsack RL, GRESO) and the epoch sampler they
/// need, on the in-process cluster: 8 prompts, batches of 4, two epochs of two iterations.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HistoryAllocatorTests(ClusterFixture fixture)
{
    private static TrainSettings Tiny(int seed, AllocatorKind allocator, string name) => new(
        Allocator: allocator, Seed: seed, Iterations: 4, BatchSize: 4, Stage1Samples: 4, Budget: 16, TrainPrompts: 8, EvalPrompts: 6,
        EvalEvery: 4, WarmupSteps: 5, WarmupExamples: 12, Output: Path.Combine(Path.GetTempPath(), $"gvm-run-{Guid.NewGuid():N}"), RunName: name);

    [Fact]
    public async Task KnapsackSkipsStage1OnTheSecondEpochAndSpendsTheWholeIterationByThePreviousPassRates()
    {
        var settings = Tiny(21, AllocatorKind.Knapsack, "knapsack-contract");
        var metrics = await new ArithmeticRun(fixture.Client, settings).RunAsync();

        // Epoch 1 (iterations 1-2) has no history: n0 · B = 16 in stage 1, N = 16 uniform. Epoch 2
        // draws no stage 1 and the knapsack spends the same n0 · B + N = 32 per iteration.
        Assert.Equal([0L, 32L, 64L, 96L, 128L], metrics.Select(m => m.Samples));
        Assert.Equal([0L, 16L, 16L, 0L, 0L], metrics.Select(m => m.Stage1Rollouts));
        Assert.Equal([0, 0, 0, 4, 4], metrics.Select(m => m.FromHistory));

        // The epoch sampler: each epoch's two batches hold all eight prompts once.
        var visits = await VisitsAsync(settings);
        Assert.All(visits.Values, v => Assert.Equal(2, v.Length));
        Assert.All(visits.Values, v => Assert.True(v[0].Iteration <= 2 && v[1].Iteration >= 3));

        // Each epoch-2 iteration's stage 2 is the knapsack over the prompts' epoch-1 pass rates.
        var queue = fixture.Client.GetGrain<IRolloutQueueGrain>(settings.RunId);
        foreach (int iteration in new[] { 3, 4 })
        {
            Assert.Empty(await queue.GetItemsAsync(iteration, RolloutStage.Estimate));
            var drawn = (await queue.GetItemsAsync(iteration, RolloutStage.Sample)).ToDictionary(i => i.PromptId, i => i.Count);
            // The batch in the epoch sampler's order (set position i holds the i-th imported prompt),
            // which is the order the knapsack sees it in; it is the iteration's visitors.
            string[] batch = [.. EpochOrder.Batch(settings.TrainPrompts, settings.BatchSize, (ulong)settings.Seed, iteration).Select(i => $"{settings.PromptSet}-{i:D5}")];
            Assert.Equal(visits.Where(v => v.Value[1].Iteration == iteration).Select(v => v.Key).Order(StringComparer.Ordinal), batch.Order(StringComparer.Ordinal));
            int[] expected = KnapsackAllocator.Allocate([.. batch.Select(id => visits[id][0].PassRate)], 32, minSamples: 2, maxSamples: 64);
            var byId = batch.Zip(expected).ToDictionary(x => x.First, x => x.Second);
            Assert.Equal(32, drawn.Values.Sum());
            Assert.All(batch, id => Assert.Equal(byId[id], drawn.GetValueOrDefault(id)));
        }
    }

    [Fact]
    public async Task GresoSkipsOnlyPromptsOnAStreakAndFillsItsBatchFurtherAlongTheEpoch()
    {
        var settings = Tiny(22, AllocatorKind.Greso, "greso-contract");
        var metrics = await new ArithmeticRun(fixture.Client, settings).RunAsync();
        var visits = await VisitsAsync(settings);

        // Epoch 1 has no trace: nothing skipped, iterations 1 and 2 draw n0 + N / B = 8 for each of the 8 prompts.
        Assert.Equal([0, 0, 0], metrics.Take(3).Select(m => m.PromptsSkipped));
        Assert.All(visits.Values, v => Assert.True(v[0].Iteration <= 2 && v[0].Attempts == 8));

        // Iteration 3 walks epoch 2's order: a prompt passed over before the batch's last member had
        // an all-correct or all-wrong first epoch; the batch holds B = 4 unless the epoch ran out.
        long[] order = [.. Enumerable.Range(0, 8).Select(p => EpochOrder.IndexAt(8, 22, epoch: 1, p))];
        string[] ids = [.. order.Select(i => $"{settings.PromptSet}-{i:D5}")];
        bool InThird(string id) => visits[id].Any(v => v.Iteration == 3);
        int last = Array.FindLastIndex(ids, InThird);
        string[] passed = [.. ids.Take(last).Where(id => !InThird(id))];
        Assert.All(passed, id => Assert.True(visits[id][0].PassRate <= GresoFilter.HardMean || visits[id][0].PassRate >= GresoFilter.EasyMean, $"{id} skipped at pass rate {visits[id][0].PassRate}"));
        Assert.Equal(passed.Length, metrics[3].PromptsSkipped);
        int third = ids.Count(InThird);
        Assert.True(third == 4 || last == 7, $"iteration 3 kept {third} prompts and stopped at position {last}");

        // Every kept prompt drew 8, so each iteration's rollouts are 8 per prompt it visited.
        for (int iteration = 1; iteration <= 4; iteration++)
        {
            int visited = visits.Values.Count(v => v.Any(x => x.Iteration == iteration));
            Assert.Equal(8L * visited, metrics[iteration].Samples - metrics[iteration - 1].Samples);
        }

        // The seeds of this test skip some: the checks above are not vacuous.
        Assert.NotEmpty(passed);
    }

    [Fact]
    public async Task GvmHistoryDrawsInStage1WhatEachPromptsDiscountedPriorLacks()
    {
        var settings = Tiny(23, AllocatorKind.GvmHistory, "history-contract");
        var metrics = await new ArithmeticRun(fixture.Client, settings).RunAsync();
        var visits = await VisitsAsync(settings);

        // Epoch 1 has no prior: n0 = 4 each. At iteration t of epoch 2 the policy is version t − 1;
        // a prompt last seen at version v with a attempts asks for 4 − ⌊0.9^(t−1−v) · a⌋, at least 2.
        Assert.Equal([0L, 16L, 16L], metrics.Take(3).Select(m => m.Stage1Rollouts));
        var queue = fixture.Client.GetGrain<IRolloutQueueGrain>(settings.RunId);
        foreach (int iteration in new[] { 3, 4 })
        {
            var drawn = (await queue.GetItemsAsync(iteration, RolloutStage.Estimate)).ToDictionary(i => i.PromptId, i => i.Count);
            var batch = visits.Where(v => v.Value[^1].Iteration == iteration).ToList();
            Assert.Equal(4, batch.Count);
            foreach (var (id, trace) in batch)
            {
                var prior = trace[0];
                double samples = Math.Pow(0.9, iteration - 1 - prior.PolicyVersion) * prior.Attempts;
                Assert.Equal(Math.Clamp(4 - (int)Math.Floor(samples), 2, 4), drawn[id]);
            }

            Assert.Equal(drawn.Values.Sum(), metrics[iteration].Stage1Rollouts);
        }
    }

    [Fact]
    public async Task ASecondRunFromTheSameCheckpointUsesTheFirstRunsStatisticsAndAnotherLineageDoesNot()
    {
        // The same seed's warm-up is the same version 0, so the same lineage: the second run's first
        // batch plans from the first run's visits at 0.5 · 0.9^0 of their samples. A run whose warm-up
        // differs (one more step) starts another lineage on the same prompts and draws a full stage 1.
        var first = Tiny(24, AllocatorKind.GvmHistory, "lineage-first") with { Iterations = 2 };
        await new ArithmeticRun(fixture.Client, first).RunAsync();
        var firstVisits = await VisitsAsync(first);

        var second = first with { RunName = "lineage-second", Iterations = 1 };
        await new ArithmeticRun(fixture.Client, second).RunAsync();
        var drawn = (await fixture.Client.GetGrain<IRolloutQueueGrain>(second.RunId).GetItemsAsync(1, RolloutStage.Estimate)).ToDictionary(i => i.PromptId, i => i.Count);
        Assert.Equal(4, drawn.Count);
        Assert.All(drawn, d =>
        {
            var earlier = firstVisits[d.Key];
            int expected = earlier.Length == 0 ? 4 : Math.Clamp(4 - (int)Math.Floor(0.5 * earlier[^1].Attempts), 2, 4);
            Assert.Equal(expected, d.Value);
        });
        Assert.Contains(drawn.Values, n => n < 4);

        var other = first with { RunName = "lineage-other", Iterations = 1, WarmupSteps = first.WarmupSteps + 1 };
        await new ArithmeticRun(fixture.Client, other).RunAsync();
        var full = await fixture.Client.GetGrain<IRolloutQueueGrain>(other.RunId).GetItemsAsync(1, RolloutStage.Estimate);
        Assert.All(full, i => Assert.Equal(4, i.Count));
    }

    private async Task<Dictionary<string, PromptVisit[]>> VisitsAsync(TrainSettings settings)
    {
        var result = new Dictionary<string, PromptVisit[]>(StringComparer.Ordinal);
        for (int i = 0; i < settings.TrainPrompts; i++)
        {
            string id = $"{settings.PromptSet}-{i:D5}";
            result[id] = await fixture.Client.GetGrain<IPromptGrain>(id).GetVisitsAsync(settings.RunId);
        }

        return result;
    }
}
