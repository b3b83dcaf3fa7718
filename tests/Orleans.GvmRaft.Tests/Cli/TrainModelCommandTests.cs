using System.Text.Json;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Tests.Policy;

namespace Orleans.GvmRaft.Tests.Cli;

/// <summary><c>gvm-embedded train --model DIR --prompts FILE</c>: a checkpoint of one's own, end to end on an embedded silo.</summary>
public sealed class TrainModelCommandTests
{
    [Fact]
    public async Task TrainingACheckpointOnAPromptFileWritesTheRunFolderWithALoadableCheckpoint()
    {
        string model = TestTokenizers.CopyQwen2Tiny(Temp());
        string prompts = CliRunner.TempFile([.. Enumerable.Range(0, 20).Select(i => JsonSerializer.Serialize(new { id = $"cli-{i}", problem = $"What is {i} + 1?", answer = $"{i + 1}" }))]);
        string config = Path.Combine(Temp(), "run.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        File.WriteAllText(config, "budget: 4\nstage1Samples: 2\npolicy:\n  promptFormat: chat\n  maxNewTokens: 6\n  miniBatch: 4\n");
        string output = Temp();

        var result = await CliRunner.RunEmbeddedAsync(
            "train", "--model", model, "--prompts", prompts, "--config", config, "--iterations", "1", "--batch-size", "2", "--storage", "Memory", "--out", output);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("held-out accuracy", result.Output);
        // Two of 20 prompts held out; one iteration of B · n0 = 4 and N = 4 responses.
        string[] lines = File.ReadAllLines(Path.Combine(output, "metrics.jsonl"));
        Assert.Equal(2, lines.Length);
        Assert.Equal(8, JsonDocument.Parse(lines[^1]).RootElement.GetProperty("samples").GetInt64());
        var checkpoint = ModelDirectory.Open(Path.Combine(output, "checkpoint"));
        Assert.Equal(512, checkpoint.Config.VocabSize);
        Assert.Equal("What is 1 + 1?", checkpoint.Tokenizer.Decode(checkpoint.Tokenizer.Encode("What is 1 + 1?")));

        // The final checkpoint answers gvm model probe.
        var probe = await CliRunner.RunAsync("model", "probe", "--model", Path.Combine(output, "checkpoint"), "--ids", "1,2,3", "--greedy", "2");
        Assert.True(probe.ExitCode == 0, probe.Error);
        Assert.Equal(2, JsonDocument.Parse(probe.Output).RootElement.GetProperty("greedy").GetArrayLength());
    }

    [Fact]
    public async Task ARunInterruptedPartWayGoesOnWithResumeAndWritesEveryIteration()
    {
        string model = TestTokenizers.CopyQwen2Tiny(Temp());
        string prompts = CliRunner.TempFile([.. Enumerable.Range(0, 20).Select(i => JsonSerializer.Serialize(new { id = $"resume-{Guid.NewGuid():N}", problem = $"What is {i} + 2?", answer = $"{i + 2}" }))]);
        string config = Path.Combine(Temp(), "run.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        File.WriteAllText(config, "budget: 4\nstage1Samples: 2\nevalEvery: 1\npolicy:\n  maxNewTokens: 6\n  miniBatch: 4\n");
        string output = Temp();
        string state = Path.Combine(Temp(), "state.db");
        Directory.CreateDirectory(Path.GetDirectoryName(state)!);
        string metrics = Path.Combine(output, "metrics.jsonl");

        // Ctrl-C once the first iteration is written: the run's state stays in the SQLite file.
        using var interrupt = new CancellationTokenSource();
        var watching = Task.Run(async () =>
        {
            while (!File.Exists(metrics) || File.ReadAllLines(metrics).Length < 2)
            {
                await Task.Delay(100);
            }

            await interrupt.CancelAsync();
        });
        var first = await CliRunner.RunEmbeddedAsync(interrupt.Token,
            "train", "--model", model, "--prompts", prompts, "--config", config, "--iterations", "4", "--batch-size", "2", "--state-db", state, "--out", output);
        await watching;
        Assert.Equal(130, first.ExitCode);
        Assert.Contains($"gvm-embedded train: interrupted; go on with gvm-embedded train --resume {Path.GetFullPath(output)}", first.Error);
        Assert.True(File.ReadAllLines(metrics).Length < 5, "the run finished before it was interrupted");

        var resumed = await CliRunner.RunEmbeddedAsync("train", "--resume", output);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains("going on from iteration", resumed.Error);
        Assert.Equal([0, 1, 2, 3, 4], File.ReadAllLines(metrics).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("iteration").GetInt32()));
        Assert.True(File.Exists(Path.Combine(output, "checkpoint", "model.safetensors")));

        // A folder that is no run folder is refused with the reason.
        var refused = await CliRunner.RunEmbeddedAsync("train", "--resume", Temp());
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("run.json does not exist", refused.Error);
    }

    [Fact]
    public async Task AModelWithoutATokenizerIsRefusedNamingTheFile()
    {
        string model = TestTokenizers.CopyQwen2Tiny(Temp());
        File.Delete(Path.Combine(model, "tokenizer.json"));
        string prompts = CliRunner.TempFile([.. Enumerable.Range(0, 3).Select(i => JsonSerializer.Serialize(new { id = $"cli-missing-{i}", problem = $"{i}?", answer = $"{i}" }))]);

        var result = await CliRunner.RunEmbeddedAsync("train", "--model", model, "--prompts", prompts, "--iterations", "1", "--storage", "Memory", "--out", Temp());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(Path.Combine(model, "tokenizer.json") + ": missing", result.Error);
    }

    [Fact]
    public async Task PromptsWithoutAModelAreRefused()
    {
        var result = await CliRunner.RunEmbeddedAsync("train", "--prompts", "x.jsonl", "--storage", "Memory");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--prompts, --eval and --config go with --model", result.Error);
    }

    private static string Temp() => Path.Combine(Path.GetTempPath(), $"gvm-cli-model-{Guid.NewGuid():N}");
}
