using System.CommandLine;
using System.Text.Json;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Client.Failures;

namespace Orleans.GvmRaft.Client.Prompts;

/// <summary><c>gvm prompt show ID</c>: one prompt's state as JSON.</summary>
public static class PromptCommand
{
    /// <summary>Builds <c>prompt</c> with its <c>show</c> subcommand.</summary>
    public static Command Create(ClusterOptionsBinder cluster)
    {
        var id = new Argument<string>("ID") { Description = "The prompt id (as imported, or the p-… id derived from its text)." };
        var show = new Command("show", "Print a prompt's definition, statistics, latest estimate and allocation as JSON.") { id };
        show.SetAction((result, cancellationToken) =>
        {
            string promptId = result.GetValue(id)!;
            return FailureContract.RunAsync(result, "prompt show", cancellationToken, async () =>
            {
                await using var connection = await cluster.ConnectAsync(result, cancellationToken);
                var snapshot = await connection.Client.GetGrain<Orleans.GvmRaft.Prompts.IPromptGrain>(promptId).GetSnapshotAsync()
                    ?? throw new NotFoundException($"unknown prompt '{promptId}'.");
                result.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(snapshot, GvmJson.Indented));
                return 0;
            });
        });
        return new Command("prompt", "Query prompts.") { show };
    }
}
