using Orleans.GvmRaft.Allocation;
using Orleans.GvmRaft.Client.External;
using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Runs;
using Spectre.Console;

namespace Orleans.GvmRaft.Embedded.Demo;

/// <summary>
/// One demo run against a cluster: import the prompts as a set, start a run over it whose policy is
/// external, and serve its rollouts with a synthetic policy while the run grain drives the
/// iterations (stage 1, allocation, stage 2, update) as it does for a model.
/// </summary>
public sealed class DemoRun(IGrainFactory grains, IAnsiConsole console, SyntheticPolicy policy)
{
    /// <summary>Runs every iteration of <paramref name="config"/> over <paramref name="prompts"/> and prints the allocations.</summary>
    public async Task ExecuteAsync(IReadOnlyList<PromptDefinition> prompts, RunConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(config);
        string runId = $"demo-{config.Allocator.ToString().ToLowerInvariant()}";
        string set = $"{runId}-set";
        var summary = await new PromptImporter(grains).ImportAsync(prompts, cancellationToken: cancellationToken, set: set);
        console.MarkupLine($"Imported [bold]{prompts.Count}[/] prompts ({summary.Created} new).");
        var run = grains.GetGrain<ITrainingRunGrain>(runId);
        await run.CreateAsync(config with { PromptSet = set, Policy = new PolicySettings(Preset: PolicySettings.External) });
        await run.StartAsync();

        int printed = 0;
        var final = await new ExternalWorker(grains, runId, policy.Draw).RunAsync(
            snapshot =>
            {
                // The snapshot carries the recent iterations: print those not printed yet.
                foreach (var h in snapshot.History.Where(h => h.Iteration > printed))
                {
                    console.MarkupLine(
                        $"iteration {h.Iteration}: {h.PromptsAllocated}/{h.Prompts} prompts sampled in stage 2 (largest n = {h.MaxSamples}), " +
                        $"{h.Acceptances}/{h.Attempts} responses accepted ({h.Outcome})");
                }

                printed = Math.Max(printed, snapshot.History.Count == 0 ? 0 : snapshot.History[^1].Iteration);
            },
            cancellationToken);
        if (final.Phase == RunPhase.Failed)
        {
            throw new InvalidOperationException($"the demo run failed: {final.LastError}");
        }

        var snapshots = await Task.WhenAll(prompts.Select(p => grains.GetGrain<IPromptGrain>(p.Id).GetSnapshotAsync()));
        PrintAllocation(prompts, snapshots, config, runId, final.CompletedIterations);
    }

    // The last iteration's estimates and allocation, as the prompts hold them, beside the uniform split.
    private void PrintAllocation(IReadOnlyList<PromptDefinition> prompts, PromptSnapshot?[] snapshots, RunConfig config, string runId, int iteration)
    {
        int[] samples = [.. snapshots.Select(s => s?.LastAllocation is { } a && a.RunId == runId && a.Iteration == iteration ? a.Samples : 0)];
        var uniform = UniformAllocator.Allocate(prompts.Count, config.Budget).Samples;
        var table = new Table().Title($"Iteration {iteration}: {config.Allocator} allocation of N = {config.Budget}");
        table.AddColumns("prompt", "problem", "p̂ (stage 1)", "Ĝ", "weight", $"n ({config.Allocator})", "n (uniform)");
        for (int i = 0; i < prompts.Count; i++)
        {
            var e = snapshots[i]?.LatestEstimate;
            double p = e?.AcceptRate ?? 0, g = e?.GradNorm ?? 0;
            table.AddRow(
                prompts[i].Id,
                Markup.Escape(prompts[i].Text),
                $"{p:F3}",
                $"{g:F3}",
                $"{GvmAllocator.Weight(p, g, config.Alpha, config.Beta):F3}",
                samples[i].ToString(System.Globalization.CultureInfo.InvariantCulture),
                uniform[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        console.Write(table);
        var unsolved = Enumerable.Range(0, prompts.Count).Where(i => (snapshots[i]?.LatestEstimate?.AcceptRate ?? 0) == 0).ToList();
        console.MarkupLine(
            $"Samples on prompts with no accepted stage-1 response: [bold]{unsolved.Sum(i => samples[i])}[/] ({config.Allocator}) vs {unsolved.Sum(i => uniform[i])} (uniform).");
    }
}
