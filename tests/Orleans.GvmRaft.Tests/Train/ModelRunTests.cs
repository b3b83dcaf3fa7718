using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Embedded.Train;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Policy.Tasks;
using Orleans.GvmRaft.Policy.Training;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Tests.Commit;
using Orleans.GvmRaft.Tests.Policy;
using Orleans.GvmRaft.Tests.Workers;
using Orleans.GvmRaft.Workers;
using Orleans.Serialization;

namespace Orleans.GvmRaft.Tests.Train;

/// <summary>
/// Runs over model directories through the one generic path: a Hugging Face checkpoint of the
/// shared qwen2-tiny fixture with a byte-level tokenizer, the exported arithmetic model, the
/// refusals at start, a corrupted version, and the trainer's state and resumption.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ModelRunTests(ClusterFixture fixture)
{
    private static readonly PolicySettings Qwen = new(
        Preset: PolicySettings.ModelPreset, WarmupSteps: 0, MaxNewTokens: 12, PromptFormat: PolicySettings.ChatFormat,
        SystemPrompt: "Put the answer in \\boxed{}.", TopP: 0.9, MiniBatch: 8, GradientAccumulation: 2);

    [Fact]
    public async Task AQwen2CheckpointWithAByteLevelTokenizerAndTheMathVerifierCompletesIterations()
    {
        string model = TestTokenizers.CopyQwen2Tiny(TempFolder());
        var prompts = Enumerable.Range(0, 12).Select(i => new PromptDefinition($"qwen-{Guid.NewGuid():N}", $"What is {i} + {i}?", $"{2 * i}", VerifierKinds.Math)).ToList();
        var (train, eval) = ModelRun.Split(prompts, null, seed: 1, maxHeldOut: 240);
        string runId = $"qwen-{Guid.NewGuid():N}";
        var config = new RunConfig(
            Budget: 8, BatchSize: 4, Stage1Samples: 2, Iterations: 2, EvalEvery: 1, PromptSet: ModelRun.TrainSet(runId),
            Policy: Qwen with { Model = model, EvalSet = ModelRun.EvalSet(runId) });
        string output = TempFolder();
        var metrics = await new ModelRun(runId, config, train, eval, output).RunAsync(fixture.Client);

        // B · n0 = 8 stage-1 and N = 8 stage-2 responses per iteration, whatever was accepted.
        Assert.Equal([0L, 16L, 32L], metrics.Select(m => m.Samples));
        Assert.Single(eval);
        Assert.All(metrics, m => Assert.NotNull(m.EvalAccuracy));
        var run = (await fixture.Client.GetGrain<ITrainingRunGrain>(runId).GetSnapshotAsync())!;
        Assert.Equal((RunPhase.Completed, 2L), (run.Phase, run.PolicyVersion));

        // The run folder's checkpoint is a whole Hugging Face checkpoint, tokenizer included, of the last version.
        string checkpoint = Path.Combine(output, "checkpoint");
        Assert.Equal(
            ["config.json", "generation_config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"],
            Directory.GetFiles(checkpoint).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var loaded = ModelDirectory.Open(checkpoint).Load();
        Assert.Equal(512, loaded.Config.VocabSize);
        var stored = await PolicyTrainers.Model(fixture.Client, runId).GetCheckpointFilesAsync();
        using (var weights = File.OpenRead(Path.Combine(checkpoint, "model.safetensors")))
        {
            Assert.Equal(stored.Single(f => f.Name == "model.safetensors").Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(weights)));
        }
    }

    [Fact]
    public async Task ALlamaCheckpointWithRawPromptsCompletesAnIteration()
    {
        // A Llama-architecture directory (no attention bias, grouped-query heads, tied embeddings)
        // with the same byte-level tokenizer, prompts given raw.
        string model = TempFolder();
        using (var decoder = TinyModels.Create(TinyModels.Llama(tied: true) with { VocabSize = 512, MaxPositions = 128 }, seed: 4))
        {
            HfCheckpoint.Save(decoder, model);
        }

        TestTokenizers.WriteByteLevel(model, 512);
        string runId = $"llama-{Guid.NewGuid():N}";
        var prompts = Enumerable.Range(0, 6).Select(i => new PromptDefinition($"{runId}-{i}", $"{i} + 1 =", $"{i + 1}", VerifierKinds.Exact)).ToList();
        var config = new RunConfig(
            Budget: 4, BatchSize: 3, Stage1Samples: 2, Iterations: 1, PromptSet: ModelRun.TrainSet(runId),
            Policy: new PolicySettings(Preset: PolicySettings.ModelPreset, Model: model, WarmupSteps: 0, MaxNewTokens: 5, EvalSet: ModelRun.EvalSet(runId)));
        var metrics = await new ModelRun(runId, config, prompts, [.. prompts.Take(2)], TempFolder()).RunAsync(fixture.Client);
        Assert.Equal([0L, 10L], metrics.Select(m => m.Samples));
        var release = await PolicyTrainers.Model(fixture.Client, runId).GetPolicyAsync();
        Assert.Equal("llama", ModelDirectory.Open(Path.Combine(fixture.CheckpointDirectory, release.Checkpoint!.Location)).Config.ModelType);
    }

    [Fact]
    public async Task TheExportedArithmeticModelTrainsThroughTheGenericPath()
    {
        // A model that knows some single-digit sums, exported as a Hugging Face directory and run as
        // any model is: RAFT++ on its own accepted answers lifts its held-out accuracy (four runs:
        // 34 % → 56–65 %).
        string model = TempFolder();
        using (var decoder = ArithmeticModel.Create(21))
        {
            var sums = Enumerable.Range(0, 10).SelectMany(a => Enumerable.Range(0, 10).Select(b => ($"{a}+{b}=", $"{a + b}"))).ToList();
            SupervisedWarmup.Run(decoder, ArithmeticModel.Tokenizer, sums, steps: 40, batchSize: 32, new TrainingOptions(LearningRate: 3e-3), seed: 1);
            ArithmeticModel.Export(decoder, model);
        }

        string runId = $"arith-{Guid.NewGuid():N}";
        var prompts = Enumerable.Range(0, 10).SelectMany(a => Enumerable.Range(0, 10).Select(b => new PromptDefinition($"{runId}-{a}{b}", $"{a}+{b}=", $"{a + b}", VerifierKinds.Exact))).ToList();
        var config = new RunConfig(
            Budget: 256, BatchSize: 32, Stage1Samples: 4, Iterations: 8, EvalEvery: 8, PromptSet: ModelRun.TrainSet(runId),
            Policy: new PolicySettings(Preset: PolicySettings.ModelPreset, Model: model, WarmupSteps: 0, MaxNewTokens: 3, LearningRate: 3e-4, EvalSet: ModelRun.EvalSet(runId)));
        var metrics = await new ModelRun(runId, config, prompts, prompts, TempFolder()).RunAsync(fixture.Client);
        double before = metrics[0].EvalAccuracy!.Value, after = metrics[^1].EvalAccuracy!.Value;
        Assert.True(after > before + 0.10, $"held-out accuracy {before:P0} → {after:P0}");
    }

    [Theory]
    [InlineData("architecture", "config.json: model_type 'mistral' is not a supported architecture")]
    [InlineData("tokenizer", "tokenizer.json: missing")]
    [InlineData("template", "chat_template cannot be rendered")]
    [InlineData("stop", "stop token 'no such token' is")]
    public async Task AnUnusableModelIsRefusedAtStartNamingTheFileAndNothingIsQueued(string defect, string message)
    {
        string model = TestTokenizers.CopyQwen2Tiny(TempFolder());
        var policy = Qwen with { Model = model };
        switch (defect)
        {
            case "architecture":
                var config = JsonNode.Parse(File.ReadAllText(Path.Combine(model, "config.json")))!;
                config["model_type"] = "mistral";
                File.WriteAllText(Path.Combine(model, "config.json"), config.ToJsonString());
                break;
            case "tokenizer":
                File.Delete(Path.Combine(model, "tokenizer.json"));
                break;
            case "template":
                var tokenizerConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(model, "tokenizer_config.json")))!;
                tokenizerConfig["chat_template"] = "{{ messages[0]['content'] }}";
                File.WriteAllText(Path.Combine(model, "tokenizer_config.json"), tokenizerConfig.ToJsonString());
                break;
            default:
                policy = policy with { StopTokens = ["no such token"] };
                break;
        }

        var (run, runId) = await CreateRunAsync(policy, [new PromptDefinition($"p-{Guid.NewGuid():N}", "What is 1 + 1?", "2", VerifierKinds.Math)]);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => run.StartAsync());
        Assert.Contains(message, e.Message);
        Assert.Contains(model, e.Message);
        await AssertNothingQueuedAsync(run, runId);
    }

    [Fact]
    public async Task APromptLongerThanTheModelsContextIsLeftOutByTheWorkerNotRefusedAtStart()
    {
        string model = TestTokenizers.CopyQwen2Tiny(TempFolder());
        string id = $"long-{Guid.NewGuid():N}";
        var (run, runId) = await CreateRunAsync(Qwen with { Model = model }, [new PromptDefinition(id, string.Concat(Enumerable.Repeat("word ", 300)), "2", VerifierKinds.Math)]);
        Assert.Equal(RunPhase.Running, (await run.StartAsync()).Phase);
        var queue = fixture.Client.GetGrain<IRolloutQueueGrain>(runId);
        await WaitForAsync(async () => (await queue.GetProgressAsync(1, RolloutStage.Estimate)).Excluded is { Count: > 0 });
        var (prompt, reason) = Assert.Single((await queue.GetProgressAsync(1, RolloutStage.Estimate)).Excluded!);
        Assert.Equal(id, prompt);
        Assert.Contains($"prompt '{id}' is", reason);
        Assert.Contains("max_position_embeddings 256", reason);

        // A batch whose every prompt was left out still ends its iteration: an update with nothing
        // to train on, and the run completes.
        await WaitForAsync(async () => (await run.GetSnapshotAsync())!.Phase is RunPhase.Completed or RunPhase.Failed);
        var snapshot = (await run.GetSnapshotAsync())!;
        Assert.True(snapshot.Phase == RunPhase.Completed, snapshot.LastError);
        Assert.Equal(1, snapshot.ExcludedCount);
    }

    [Fact]
    public async Task AWorkerRefusesACorruptedVersionByItsHashAndTheRunStopsSayingWhy()
    {
        string runId = $"corrupt-{Guid.NewGuid():N}";
        var config = await ArithmeticConfigAsync(runId);
        var trainer = PolicyTrainers.Model(fixture.Client, runId);
        await trainer.PrepareUntilDoneAsync(config);
        var release = await trainer.GetPolicyAsync();
        string weights = Path.Combine(fixture.CheckpointDirectory, release.Checkpoint!.Location, "model.safetensors");
        byte[] bytes = File.ReadAllBytes(weights);
        bytes[^5] ^= 0x40;
        File.WriteAllBytes(weights, bytes);

        var run = fixture.Client.GetGrain<ITrainingRunGrain>(runId);
        await run.CreateAsync(config);
        await run.StartAsync();
        await WaitForAsync(async () => (await run.GetSnapshotAsync())!.Phase == RunPhase.Failed);
        string error = (await run.GetSnapshotAsync())!.LastError!;
        Assert.Contains("policy version 0 refused", error);
        Assert.Contains("model.safetensors", error);
        Assert.Equal(0, (await fixture.Client.GetGrain<IRolloutQueueGrain>(runId).GetProgressAsync(1, RolloutStage.Estimate)).Completed);
    }

    [Fact]
    public async Task ATrainerRestartedBetweenUpdatesResumesWithIdenticalOptimiserState()
    {
        // Two runs with the same policy and the same responses; one trainer is deactivated (its
        // model and optimiser dropped) between the updates. The versions they store are equal byte
        // for byte, optimiser state included, which they would not be had the moments restarted.
        var straight = await TrainerWithResponsesAsync($"resume-a-{Guid.NewGuid():N}");
        var restarted = await TrainerWithResponsesAsync($"resume-b-{Guid.NewGuid():N}");
        await straight.UpdateUntilDoneAsync(1, evaluate: false);
        await restarted.UpdateUntilDoneAsync(1, evaluate: false);
        await fixture.Cluster.DeactivateAsync(restarted);
        await fixture.Cluster.WaitForDeactivationAsync(restarted);
        await straight.UpdateUntilDoneAsync(2, evaluate: false);
        await restarted.UpdateUntilDoneAsync(2, evaluate: false);

        var a = (await straight.GetPolicyAsync()).Checkpoint!;
        var b = (await restarted.GetPolicyAsync()).Checkpoint!;
        Assert.Equal(2, b.Version);
        Assert.Equal(a.Hash, b.Hash);
        Assert.Equal(
            (await straight.GetCheckpointFilesAsync()).Select(f => f.Sha256),
            (await restarted.GetCheckpointFilesAsync()).Select(f => f.Sha256));
    }

    [Fact]
    public async Task TheTrainersGrainStateIsTheSameSizeForModelsOfDifferentSizes()
    {
        // The built-in arithmetic decoder (0.8M parameters) and qwen2-tiny (0.16M): the weights go
        // to the store, the state keeps where.
        string arithmeticRun = $"size-a-{Guid.NewGuid():N}", qwenRun = $"size-q-{Guid.NewGuid():N}";
        var arithmetic = PolicyTrainers.Model(fixture.Client, arithmeticRun);
        await arithmetic.PrepareUntilDoneAsync(new RunConfig(Policy: new PolicySettings(WarmupSteps: 1, WarmupExamples: 4, EvalPrompts: 2)));
        var qwen = PolicyTrainers.Model(fixture.Client, qwenRun);
        await qwen.PrepareUntilDoneAsync(new RunConfig(Policy: Qwen with { Model = TestTokenizers.CopyQwen2Tiny(TempFolder()) }));

        long arithmeticWeights = (await arithmetic.GetCheckpointFilesAsync()).Single(f => f.Name == "model.safetensors").Bytes;
        long qwenWeights = (await qwen.GetCheckpointFilesAsync()).Single(f => f.Name == "model.safetensors").Bytes;
        Assert.True(arithmeticWeights > 3 * qwenWeights, $"{arithmeticWeights} and {qwenWeights} bytes of weights");

        var serializer = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<Serializer>();
        int arithmeticState = serializer.SerializeToArray(FaultInjectingStorage.LastWritten(arithmetic.GetGrainId())!).Length;
        int qwenState = serializer.SerializeToArray(FaultInjectingStorage.LastWritten(qwen.GetGrainId())!).Length;
        Assert.True(arithmeticState < 2048 && qwenState < 2048, $"states of {arithmeticState} and {qwenState} bytes");
        Assert.True(Math.Abs(arithmeticState - qwenState) < 512, $"states of {arithmeticState} and {qwenState} bytes");
    }

    private async Task<RunConfig> ArithmeticConfigAsync(string runId)
    {
        string set = $"{runId}-set";
        var prompts = ArithmeticTask.Generate(8, 4, set).Select(p => new PromptDefinition(p.Id, p.Text, p.Answer, VerifierKinds.Exact)).ToList();
        await new PromptImporter(fixture.Client).ImportAsync(prompts, set: set);
        return new RunConfig(Budget: 4, BatchSize: 4, Stage1Samples: 2, Iterations: 2, PromptSet: set, Policy: new PolicySettings(WarmupSteps: 2, WarmupExamples: 4, EvalPrompts: 2));
    }

    private async Task<(ITrainingRunGrain Run, string RunId)> CreateRunAsync(PolicySettings policy, IReadOnlyList<PromptDefinition> prompts)
    {
        string runId = $"refused-{Guid.NewGuid():N}";
        await new PromptImporter(fixture.Client).ImportAsync(prompts, set: ModelRun.TrainSet(runId));
        var run = fixture.Client.GetGrain<ITrainingRunGrain>(runId);
        await run.CreateAsync(new RunConfig(Budget: 2, BatchSize: 1, Stage1Samples: 2, Iterations: 1, PromptSet: ModelRun.TrainSet(runId), Policy: policy));
        return (run, runId);
    }

    private async Task AssertNothingQueuedAsync(ITrainingRunGrain run, string runId)
    {
        var snapshot = (await run.GetSnapshotAsync())!;
        Assert.Equal((RunPhase.Created, false), (snapshot.Phase, snapshot.Prepared));
        var progress = await fixture.Client.GetGrain<IRolloutQueueGrain>(runId).GetProgressAsync(1, RolloutStage.Estimate);
        Assert.Equal(0, progress.Pending + progress.Leased + progress.Completed);
    }

    // A prepared arithmetic trainer whose queue holds two iterations' responses to train on.
    private async Task<IPolicyTrainerGrain> TrainerWithResponsesAsync(string runId)
    {
        var prompts = Enumerable.Range(0, 2).Select(i => new PromptDefinition($"{runId}-p{i}", "1+1=", "2", VerifierKinds.Exact)).ToList();
        await new PromptImporter(fixture.Client).ImportAsync(prompts);
        var trainer = PolicyTrainers.Model(fixture.Client, runId);
        await trainer.PrepareUntilDoneAsync(new RunConfig(Policy: new PolicySettings(Seed: 9, WarmupSteps: 3, WarmupExamples: 8, EvalPrompts: 2, MiniBatch: 2)));
        var queue = fixture.Client.GetGrain<IRolloutQueueGrain>(runId);
        for (int iteration = 1; iteration <= 2; iteration++)
        {
            var items = prompts.Select(p => new RolloutWorkItem($"{runId}/{iteration}/Estimate/{p.Id}", runId, p.Id, iteration, RolloutStage.Estimate, 2, iteration - 1)).ToArray();
            await queue.EnqueueAsync(items);
            await queue.ClaimAsync("w", 10);
            await queue.CompleteManyAsync("w", [.. items.Select(item => new ItemResults(
                item.ItemId,
                new RolloutReport(item.ItemId, runId, iteration, iteration - 1, RolloutStage.Estimate, 2, 2, []),
                new RolloutResponses(item.ItemId, item.PromptId, [1, 4, 5, 6], [[7, 8, 2], [9, 2]], [1, 1])))]);
        }

        return trainer;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within a minute");
            await Task.Delay(50);
        }
    }

    private static string TempFolder() => Path.Combine(Path.GetTempPath(), $"gvm-model-{Guid.NewGuid():N}");
}
