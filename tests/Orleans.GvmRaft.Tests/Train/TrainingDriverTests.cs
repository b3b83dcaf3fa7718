using System.Text.Json;
using Orleans.GvmRaft.Client.Train;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Tests.Train;

/// <summary>Whole iterations over the grains with the in-process worker and trainer, on a tiny configuration.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TrainingDriverTests(ClusterFixture fixture)
{
    [Fact]
    public async Task IterationsRecordEveryRolloutOnceAndWriteTheRunFolder()
    {
        string output = Path.Combine(Path.GetTempPath(), $"gvm-run-{Guid.NewGuid():N}");
        var settings = new TrainSettings(
            Seed: 5, Iterations: 2, BatchSize: 4, Stage1Samples: 4, Budget: 16, TrainPrompts: 12, EvalPrompts: 6,
            EvalEvery: 1, WarmupSteps: 5, WarmupExamples: 12, Output: output);
        var metrics = await new TrainingDriver(fixture.Client, settings).RunAsync();

        // Each iteration draws B · n0 = 16 stage-1 and N = 16 stage-2 responses.
        Assert.Equal([0, 1, 2], metrics.Select(m => m.Iteration));
        Assert.Equal([0L, 32L, 64L], metrics.Select(m => m.Samples));
        Assert.All(metrics, m => Assert.NotNull(m.EvalAccuracy));

        // Nothing lost, nothing counted twice: the prompt grains hold exactly the rollouts drawn.
        string runId = "arithmetic-gvm-s5";
        long attempts = 0;
        for (int i = 0; i < settings.TrainPrompts; i++)
        {
            var snapshot = await fixture.Client.GetGrain<IPromptGrain>($"{runId}-train-{i:D5}").GetSnapshotAsync();
            attempts += snapshot!.Statistics.Attempts;
        }

        Assert.Equal(64, attempts);
        Assert.Equal(2, (await fixture.Client.GetGrain<ITrainingRunGrain>(runId).GetSnapshotAsync())!.CompletedIterations);
        Assert.True((await fixture.Client.GetGrain<IRolloutQueueGrain>(runId).GetProgressAsync(2, RolloutStage.Sample)).Done);

        string[] lines = File.ReadAllLines(Path.Combine(output, "metrics.jsonl"));
        Assert.Equal(3, lines.Length);
        var last = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.Equal(64, last.GetProperty("samples").GetInt64());
        Assert.True(last.TryGetProperty("trainAcceptRate", out _) && last.TryGetProperty("evalAccuracy", out _) && last.TryGetProperty("seconds", out _));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(output, "allocations.jsonl")).Length);
        Assert.Contains("<polyline", File.ReadAllText(Path.Combine(output, "accuracy.svg")));
        using var checkpoint = HfCheckpoint.Load(Path.Combine(output, "checkpoint"));
        Assert.Equal(TrainingDriver.ModelConfig().VocabSize, checkpoint.Config.VocabSize);
    }
}
