using Orleans.GvmRaft.Allocation;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.PromptSets;

namespace Orleans.GvmRaft.Runs;

/// <summary>The allocators that read each prompt's visits by the run: Knapsack RL and GRESO (DESIGN §4).</summary>
public sealed partial class TrainingRunGrain
{
    // Knapsack's stage 1: none for a prompt the run has visited before (its previous pass rate
    // stands in).
    private async Task PlanStage1FromVisitsAsync(RunConfig config, int iteration, string[] batch, int[] counts)
    {
        var earlier = await EarlierVisitsAsync(iteration, batch);
        for (int i = 0; i < batch.Length; i++)
        {
            counts[i] = earlier[i].Length > 0 ? 0 : counts[i];
        }
    }

    // GRESO's pick: walk the epoch order from where the last pick stopped, skipping each prompt on
    // a streak by a draw seeded from (run seed, prompt, epoch), until B prompts are kept or the epoch
    // ends (a short batch; the next pick starts the next epoch). Skipped prompts cost no rollout and
    // are not visited this epoch, as GRESO fills its batch past the prompts it filters.
    private async Task<(string[] Batch, long Cursor, int Skipped)> PickGresoBatchAsync(RunConfig config, IPromptSetGrain set, int iteration)
    {
        ulong seed = (ulong)config.PolicyOrDefault.Seed;
        long cursor = state.State.EpochCursor;
        var kept = new List<string>();
        int skipped = 0;
        while (true)
        {
            long size = await set.GetCountAsync();
            long epoch = cursor / size, position = cursor % size;
            int want = (int)Math.Min(config.BatchSize, size) - kept.Count;
            var (candidates, _) = await set.EpochRangeAsync(config.PolicyOrDefault.Seed, epoch, position, want);
            var earlier = await EarlierVisitsAsync(iteration, candidates);
            for (int i = 0; i < candidates.Length; i++)
            {
                double skip = GresoFilter.SkipProbability([.. earlier[i].Select(v => v.PassRate)], GresoEasy, GresoHard);
                if (skip > 0 && SeedMix.Uniform(SeedMix.Mix(seed, candidates[i]), (ulong)epoch) < skip)
                {
                    skipped++;
                }
                else
                {
                    kept.Add(candidates[i]);
                }
            }

            cursor += candidates.Length;
            bool epochEnded = position + candidates.Length >= size;
            if (kept.Count >= Math.Min(config.BatchSize, size) || epochEnded)
            {
                // Ending exactly at the epoch's end starts the next pick on the next epoch. An epoch
                // whose every remaining prompt was skipped keeps its last one, so a pick always ends.
                cursor = epochEnded ? (epoch + 1) * size : cursor;
                if (kept.Count == 0 && candidates.Length > 0)
                {
                    kept.Add(candidates[^1]);
                    skipped--;
                }

                if (kept.Count > 0)
                {
                    return ([.. kept], cursor, skipped);
                }
            }
        }
    }

    // Knapsack: prompts with a pass rate share the whole iteration's n0·B + N, less what the
    // prompts without one draw (n0 in stage 1 and their uniform share in stage 2). GRESO: the
    // uniform share for every prompt it kept (its pick left out those it skipped).
    private async Task<int[]> PlanFromVisitsAsync(RunConfig config, int iteration, string[] promptIds)
    {
        int[] stage1 = state.State.Stage1Counts!;
        int[] uniform = UniformAllocator.Allocate(promptIds.Length, IterationBudget(config)).Samples;
        if (config.Allocator == AllocatorKind.Greso)
        {
            return uniform;
        }

        var earlier = await EarlierVisitsAsync(iteration, promptIds);
        int[] known = [.. Enumerable.Range(0, promptIds.Length).Where(i => stage1[i] == 0 && earlier[i].Length > 0)];
        int[] samples = [.. uniform.Select((n, i) => known.Contains(i) ? 0 : n)];
        int total = (config.Stage1Samples * promptIds.Length) + IterationBudget(config);
        int left = Math.Max(0, total - stage1.Sum() - samples.Sum());
        int[] chosen = KnapsackAllocator.Allocate([.. known.Select(i => earlier[i][^1].PassRate)], left, config.KnapsackMinSamples, config.KnapsackMaxSamples);
        for (int j = 0; j < known.Length; j++)
        {
            samples[known[j]] = chosen[j];
        }

        return samples;
    }

    // GRESO's step: p_easy and p_hard follow the shares of all-correct and all-wrong groups among
    // the prompts the iteration drew for.
    private void AdjustGreso(TrainingRunState s, Dictionary<string, (int Drawn, int Accepted)> counts)
    {
        var drawn = counts.Values.Where(c => c.Drawn > 0).ToList();
        if (drawn.Count == 0)
        {
            return;
        }

        double allCorrect = drawn.Count(c => c.Accepted == c.Drawn) / (double)drawn.Count;
        double allWrong = drawn.Count(c => c.Accepted == 0) / (double)drawn.Count;
        s.GresoEasy = GresoFilter.Adjust(GresoEasy, allCorrect, GresoFilter.EasyTarget);
        s.GresoHard = GresoFilter.Adjust(GresoHard, allWrong, GresoFilter.HardTarget);
    }

    private double GresoEasy => state.State.GresoEasy ?? GresoFilter.Initial;

    private double GresoHard => state.State.GresoHard ?? GresoFilter.Initial;

    // Each prompt's visits by this run before this iteration, oldest first.
    private async Task<PromptVisit[][]> EarlierVisitsAsync(int iteration, string[] promptIds)
    {
        var visits = await BoundedFanOut.RunAsync(promptIds.Length, _maxConcurrentCalls, i => grains.GetGrain<IPromptGrain>(promptIds[i]).GetVisitsAsync(RunId));
        return [.. visits.Select(v => v.Where(x => x.Iteration < iteration).ToArray())];
    }
}
