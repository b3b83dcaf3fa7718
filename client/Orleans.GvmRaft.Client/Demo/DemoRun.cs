using Orleans.GvmRaft.Allocation;
using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Runs;
using Spectre.Console;

namespace Orleans.GvmRaft.Client.Demo;

/// <summary>One demo run against a cluster: import, then stage 1, allocation and stage 2 per iteration.</summary>
public sealed class DemoRun(IGrainFactory grains, IAnsiConsole console, SyntheticPolicy policy)
{
    /// <summary>Runs every iteration of <paramref name="config"/> over <paramref name="prompts"/> and prints the allocations.</summary>
    public async Task ExecuteAsync(IReadOnlyList<PromptDefinition> prompts, RunConfig config, CancellationToken cancellationToken)
    {
        var summary = await new PromptImporter(grains).ImportAsync(prompts, cancellationToken: cancellationToken);
        console.MarkupLine($"Imported [bold]{prompts.Count}[/] prompts ({summary.Created} new).");
        string runId = $"demo-{config.Allocator.ToString().ToLowerInvariant()}";
        var coordinator = grains.GetGrain<ITrainingRunGrain>(runId);
        await coordinator.CreateAsync(config);
        string[] ids = [.. prompts.Select(p => p.Id)];
        IterationAllocation? plan = null;
        PromptEstimate?[] estimates = [];
        for (int iteration = 1; iteration <= config.Iterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await RecordAsync(prompts, runId, iteration, RolloutStage.Estimate, _ => config.Stage1Samples);
            estimates = await Task.WhenAll(ids.Select(id => grains.GetGrain<IPromptGrain>(id).GetEstimateAsync()));
            plan = await coordinator.AllocateAsync(iteration, ids);
            var samples = plan.Samples;
            var stage2 = await RecordAsync(prompts, runId, iteration, RolloutStage.Sample, i => samples[i]);
            int accepted = stage2.Sum(r => r.Acceptances);
            policy.Update(accepted);
            double meanP = estimates.Average(e => e!.AcceptRate);
            console.MarkupLine(
                $"iteration {iteration}: mean stage-1 accept rate {meanP:F3}, {samples.Count(n => n > 0)}/{ids.Length} prompts sampled, " +
                $"{accepted}/{samples.Sum()} stage-2 samples accepted ({plan.Outcome})");
        }

        PrintAllocation(prompts, estimates, plan!, config);
    }

    private async Task<RolloutReport[]> RecordAsync(
        IReadOnlyList<PromptDefinition> prompts, string runId, int iteration, RolloutStage stage, Func<int, int> attempts)
    {
        var reports = prompts.Select((p, i) => policy.Rollouts(p, runId, iteration, stage, attempts(i))).ToArray();
        await Task.WhenAll(reports.Select((r, i) => grains.GetGrain<IPromptGrain>(prompts[i].Id).RecordRolloutsAsync(r)));
        return reports;
    }

    private void PrintAllocation(IReadOnlyList<PromptDefinition> prompts, PromptEstimate?[] estimates, IterationAllocation plan, RunConfig config)
    {
        var uniform = UniformAllocator.Allocate(prompts.Count, config.Budget).Samples;
        var table = new Table().Title($"Iteration {plan.Iteration}: {config.Allocator} allocation of N = {config.Budget}");
        table.AddColumns("prompt", "problem", "p̂ (stage 1)", "Ĝ", "weight", $"n ({config.Allocator})", "n (uniform)");
        for (int i = 0; i < prompts.Count; i++)
        {
            var e = estimates[i]!;
            double w = GvmAllocator.Weight(e.AcceptRate, e.GradNorm, config.Alpha, config.Beta);
            table.AddRow(
                prompts[i].Id,
                Markup.Escape(prompts[i].Text),
                $"{e.AcceptRate:F3}",
                $"{e.GradNorm:F3}",
                $"{w:F3}",
                plan.Samples[i].ToString(System.Globalization.CultureInfo.InvariantCulture),
                uniform[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        console.Write(table);
        int unsolved = Enumerable.Range(0, prompts.Count).Where(i => estimates[i]!.AcceptRate == 0).Sum(i => plan.Samples[i]);
        int unsolvedUniform = Enumerable.Range(0, prompts.Count).Where(i => estimates[i]!.AcceptRate == 0).Sum(i => uniform[i]);
        console.MarkupLine(
            $"Samples on prompts with no accepted stage-1 response: [bold]{unsolved}[/] ({config.Allocator}) vs {unsolvedUniform} (uniform).");
    }
}
