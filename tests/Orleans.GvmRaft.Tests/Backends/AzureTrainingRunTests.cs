using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Orleans.GvmRaft.Embedded.Hosting;
using Orleans.GvmRaft.Embedded.Train;
using Orleans.GvmRaft.Index;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Silo.Backends;

namespace Orleans.GvmRaft.Tests.Backends;

/// <summary>
/// What <c>gvm-embedded train --storage AzureTable</c> does, on Azurite: the run's grains, its queue
/// and every prompt in Azure storage, the policy versions in a blob container.
/// </summary>
[Collection(BackendCollection.Name)]
public sealed class AzureTrainingRunTests(PostgresServer postgres, RedisServer redis, AzuriteServer azurite)
{
    [Fact]
    public async Task ARunOnAzureTableLeavesEveryPromptsCountsEqualToTheRunsRecord()
    {
        var settings = await BackendSettings.CreateAsync(postgres, redis, "AzureTable", azurite: azurite);
        string scratch = Path.Combine(Path.GetTempPath(), $"gvm-azure-run-{Guid.NewGuid():N}");
        settings["Gvm:Checkpoints:Directory"] = Path.Combine(scratch, "checkpoint-cache");
        var train = new TrainSettings(
            Seed: 11, Iterations: 2, BatchSize: 4, Stage1Samples: 4, Budget: 16, TrainPrompts: 12, EvalPrompts: 6,
            EvalEvery: 1, WarmupSteps: 5, WarmupExamples: 12, Output: Path.Combine(scratch, "run"));
        var state = new EmbeddedState(StorageKind.AzureTable, "");
        try
        {
            await using (var cluster = await EmbeddedSilo.StartAsync(CancellationToken.None, worker: true, state, settings))
            {
                var metrics = await new ArithmeticRun(cluster.Client, train).RunAsync();
                Assert.Equal([0L, 32L, 64L], metrics.Select(m => m.Samples));
            }

            // A new silo over the same account: everything below is read back from Azure storage.
            await using (var cluster = await EmbeddedSilo.StartAsync(CancellationToken.None, worker: false, state, settings))
            {
                var run = (await cluster.Client.GetGrain<ITrainingRunGrain>(train.RunId).GetSnapshotAsync())!;
                Assert.Equal(RunPhase.Completed, run.Phase);
                Assert.Equal(64, run.Samples);

                var prompts = new List<PromptSnapshot>();
                for (int i = 0; i < train.TrainPrompts; i++)
                {
                    prompts.Add((await cluster.Client.GetGrain<IPromptGrain>($"{train.PromptSet}-{i:D5}").GetSnapshotAsync())!);
                }

                Assert.Equal(run.Samples, prompts.Sum(p => p.Statistics.Attempts));
                Assert.Equal(run.History.Sum(h => h.Acceptances), prompts.Sum(p => p.Statistics.Acceptances));

                // Prompt by prompt: the run's index says what each prompt drew, the prompt's own counts agree.
                var shards = await Task.WhenAll(Enumerable.Range(0, PromptIndex.Shards)
                    .Select(i => cluster.Client.GetGrain<IPromptIndexGrain>(PromptIndex.ShardKey(train.RunId, i)).TopAsync(PromptRanking.Samples, int.MaxValue)));
                var drawn = shards.SelectMany(s => s.Top).ToDictionary(e => e.PromptId, e => e.Samples);
                Assert.NotEmpty(drawn);
                foreach (var prompt in prompts)
                {
                    Assert.Equal(drawn.GetValueOrDefault(prompt.Definition.Id), prompt.Statistics.SamplesSpent);
                    Assert.Equal(prompt.Statistics.SamplesSpent, prompt.Statistics.Attempts);
                }
            }

            // Azure's own client sees one entity per training prompt (the evaluation problems are not
            // prompt grains), and the policy versions in the service's checkpoint container
            // (Gvm:Checkpoints:Store Auto).
            Assert.Equal(train.TrainPrompts, await BackendSettings.StoredStatesAsync(settings));
            var checkpoints = new BlobContainerClient(settings["ConnectionStrings:AzureStorage"], AzureContainerName.For(AzureContainerName.Checkpoints, settings["Gvm:Silo:ServiceId"]!));
            var files = new List<string>();
            await foreach (var blob in checkpoints.GetBlobsAsync(BlobTraits.None, BlobStates.None, train.RunId, CancellationToken.None))
            {
                files.Add(blob.Name);
            }

            Assert.Contains(files, f => f.EndsWith(".safetensors", StringComparison.Ordinal));
            Assert.Contains(files, f => f.EndsWith("optimizer.bin", StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }
}
