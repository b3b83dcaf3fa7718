using System.CommandLine;
using System.Text.Json;
using Orleans.GvmRaft.Client.Cluster;

namespace Orleans.GvmRaft.Client.Prompts;

/// <summary><c>gvm prompt show ID</c>: one prompt's state as JSON.</summary>
public static class PromptCommand
{
    /// <summary>Builds <c>prompt</c> with its <c>show</c> subcommand.</summary>
    public static Command Create(ClusterOptionsBinder cluster)
    {
        var id = new Argument<string>("ID") { Description = "The prompt id (as imported, or the p-… id derived from its text)." };
        var show = new Command("show", "Print a prompt's definition, statistics, latest estimate and allocation as JSON.") { id };
        show.SetAction(async (result, cancellationToken) =>
        {
            string promptId = result.GetValue(id)!;
            var error = result.InvocationConfiguration.Error;
            try
            {
                await using var connection = await cluster.ConnectAsync(result, cancellationToken);
                var snapshot = await connection.Client.GetGrain<Orleans.GvmRaft.Prompts.IPromptGrain>(promptId).GetSnapshotAsync();
                if (snapshot is null)
                {
                    error.WriteLine($"gvm prompt show: unknown prompt '{promptId}'.");
                    return 1;
                }

                result.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(snapshot, GvmJson.Indented));
                return 0;
            }
            catch (Exception e) when (e is ClusterUnavailableException or ArgumentException)
            {
                error.WriteLine($"gvm prompt show: {e.Message}");
                return 3;
            }
        });
        return new Command("prompt", "Query prompts.") { show };
    }
}
