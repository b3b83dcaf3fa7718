using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Client.Failures;
using Orleans.GvmRaft.Index;
using Orleans.GvmRaft.Policy.Tasks;
using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Client.Prompts;

/// <summary><c>gvm prompts top</c>: a run's prompts ranked, from the run's index shards rather than every prompt grain.</summary>
public static class PromptsCommand
{
    /// <summary>Builds <c>prompts</c> with its <c>top</c> subcommand.</summary>
    public static Command Create(ClusterOptionsBinder cluster)
    {
        var run = new Option<string>("--run") { Description = "The run whose prompts to rank.", Required = true };
        var by = new Option<PromptRanking>("--by") { Description = "allocation (last n_i), acceptRate (latest p_i), gradNorm (latest G_i) or samples (spent over the prompt's life).", DefaultValueFactory = _ => PromptRanking.Allocation };
        var limit = new Option<int>("--limit") { Description = "How many prompts.", DefaultValueFactory = _ => 10 };
        var top = new Command("top", "The top prompts of a run by a figure, largest first, as of the last iteration that drew each.") { run, by, limit };
        top.SetAction(async (result, cancellationToken) =>
        {
            var error = result.InvocationConfiguration.Error;
            string runId = result.GetValue(run)!;
            var ranking = result.GetValue(by);
            int k = result.GetValue(limit);
            if (k < 1)
            {
                return FailureContract.Report(error, "prompts top", new Failure(FailureKind.Refused, $"--limit must be >= 1 (got {k})."));
            }

            return await FailureContract.RunAsync(result, "prompts top", cancellationToken, async () =>
            {
                await using var connection = await cluster.ConnectAsync(result, cancellationToken);
                var answers = await Task.WhenAll(Enumerable.Range(0, PromptIndex.Shards)
                    .Select(shard => connection.Client.GetGrain<IPromptIndexGrain>(PromptIndex.ShardKey(runId, shard)).TopAsync(ranking, k)));
                int indexed = answers.Sum(a => a.Count);
                if (indexed == 0)
                {
                    throw new NotFoundException($"run '{runId}' has no indexed prompts (unknown run, or no iteration finished yet).");
                }

                var output = result.InvocationConfiguration.Output;
                output.WriteLine("rank\tprompt\tallocation\tacceptRate\tgradNorm\tsamples\titeration");
                var best = PromptIndex.Merge(answers.Select(a => a.Top), ranking, k);
                for (int i = 0; i < best.Length; i++)
                {
                    var e = best[i];
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i + 1}\t{e.PromptId}\t{e.Allocation}\t{e.AcceptRate:F4}\t{e.GradNorm:G6}\t{e.Samples}\t{e.Iteration}"));
                }

                error.WriteLine($"{best.Length} of {indexed} indexed prompts of run '{runId}', by {ranking}.");
                return 0;
            });
        });
        var count = new Option<int>("--count") { Description = "How many prompts.", DefaultValueFactory = _ => 4096 };
        var seed = new Option<int>("--seed") { Description = "Seed of the problems.", DefaultValueFactory = _ => 1 };
        var prefix = new Option<string>("--id-prefix") { Description = "Ids are PREFIX-00000, PREFIX-00001, ...", DefaultValueFactory = _ => "arith" };
        var generate = new Command("generate", "Write arithmetic-preset prompts as JSONL for gvm import (difficulty 1-6, exact verifier).") { count, seed, prefix };
        generate.SetAction(result =>
        {
            int n = result.GetValue(count);
            if (n < 1)
            {
                result.InvocationConfiguration.Error.WriteLine($"gvm prompts generate: --count must be >= 1 (got {n}).");
                return 2;
            }

            var output = result.InvocationConfiguration.Output;
            foreach (var p in ArithmeticTask.Generate(n, result.GetValue(seed), result.GetValue(prefix)!))
            {
                output.WriteLine(JsonSerializer.Serialize(new { id = p.Id, problem = p.Text, answer = p.Answer, verifier = VerifierKinds.Exact }));
            }

            return 0;
        });
        return new Command("prompts", "Queries over all prompts of a run, exports of a prompt set, and preset prompt sets.") { top, Export.ExportCommand.Create(cluster), generate };
    }
}
