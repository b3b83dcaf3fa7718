using Orleans.GvmRaft.Client.External;
using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Tests.Runs;

/// <summary>Driven runs over an external policy whose results a test scripts: a fresh prompt set, and a run served to completion.</summary>
internal static class ScriptedRuns
{
    /// <summary>The external policy: the worker silos leave such runs alone.</summary>
    public static readonly PolicySettings External = new(Preset: PolicySettings.External);

    /// <summary>Imports <paramref name="count"/> prompts into a prompt set of their own.</summary>
    public static async Task<(string Set, string[] Ids)> ImportAsync(IClusterClient client, int count)
    {
        string prefix = Guid.NewGuid().ToString("N")[..12];
        string[] ids = [.. Enumerable.Range(0, count).Select(i => $"{prefix}-{i}")];
        await new PromptImporter(client).ImportAsync([.. ids.Select(id => new PromptDefinition(id, $"problem {id}", "1", VerifierKinds.Exact))], set: $"set-{prefix}");
        return ($"set-{prefix}", ids);
    }

    /// <summary>Creates and starts a run of <paramref name="config"/> and serves its rollouts with <paramref name="rollouts"/> until it ends.</summary>
    public static async Task<RunSnapshot> RunAsync(IClusterClient client, RunConfig config, Func<RolloutWorkItem, PromptDefinition, ItemResults> rollouts)
    {
        string runId = $"run-{Guid.NewGuid():N}";
        var run = client.GetGrain<ITrainingRunGrain>(runId);
        await run.CreateAsync(config);
        await run.StartAsync();
        return await new ExternalWorker(client, runId, rollouts).RunAsync().WaitAsync(TimeSpan.FromMinutes(1));
    }
}
