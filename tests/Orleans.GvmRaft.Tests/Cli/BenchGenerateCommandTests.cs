using System.Text.Json;
using Orleans.GvmRaft.Tests.Policy;

namespace Orleans.GvmRaft.Tests.Cli;

[Collection(TorchCollection.Name)]
public sealed class BenchGenerateCommandTests
{
    [Fact]
    public async Task TheTinyShapeReportsConsistentFigures()
    {
        var result = await CliRunner.RunEmbeddedAsync("bench", "generate", "--shape", "tiny", "--batch", "4", "--prompt-tokens", "8", "--new-tokens", "8", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        var json = JsonDocument.Parse(result.Output).RootElement;

        // The tiny shape counted by hand: vocab 512, hidden 64, feed-forward 176, 2 layers, 4 query
        // and 2 key/value heads of 16, q/k/v biases, an untied output projection.
        const long vocab = 512, hidden = 64, ffn = 176, kv = 2 * 16;
        const long attention = (hidden * hidden) + hidden + (2 * ((hidden * kv) + kv)) + (hidden * hidden);
        const long layer = attention + (3 * hidden * ffn) + (2 * hidden);
        const long parameters = (2 * vocab * hidden) + (2 * layer) + hidden;
        Assert.Equal(158_272, parameters); // the reference fixture of this shape says so too
        Assert.Equal(parameters, json.GetProperty("parameters").GetInt64());

        Assert.Equal("tiny", json.GetProperty("shape").GetString());
        Assert.Equal("cpu", json.GetProperty("device").GetString());
        Assert.Equal("float32", json.GetProperty("dtype").GetString());
        Assert.Equal(4, json.GetProperty("batch").GetInt32());
        Assert.Equal(8, json.GetProperty("promptTokens").GetInt32());
        Assert.Equal(8, json.GetProperty("newTokens").GetInt32());

        // No stop token, so every sequence ran to the end: 4 × 8 new tokens in generateSeconds.
        double seconds = json.GetProperty("generateSeconds").GetDouble();
        double rate = json.GetProperty("newTokensPerSecond").GetDouble();
        Assert.True(seconds > 0);
        Assert.Equal(4 * 8 / seconds, rate, tolerance: 1e-9 * rate);
        Assert.True(json.GetProperty("stepSeconds").GetDouble() > 0);

        // The step trained on the default 16 sequences capped at the batch: 4 × 8 response tokens.
        Assert.Equal(4 * 8, json.GetProperty("trainTokens").GetInt64());
    }

    [Theory]
    [InlineData("--prompt-tokens", "0", "--batch, --prompt-tokens and --new-tokens must be >= 1")]
    [InlineData("--shape", "gpt-5", "unknown shape 'gpt-5'")]
    [InlineData("--dtype", "int8", "unknown dtype 'int8'")]
    [InlineData("--device", "tpu", "unknown device 'tpu'")]
    [InlineData("--new-tokens", "5000", "exceed the shape's 2048 positions")]
    public async Task BadValuesAreRefusedByName(string option, string value, string message)
    {
        var result = await CliRunner.RunEmbeddedAsync("bench", "generate", "--batch", "4", "--train-batch", "4", "--json", option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public async Task ATrainBatchLargerThanTheBatchAndTwoShapesAreRefused()
    {
        var train = await CliRunner.RunEmbeddedAsync("bench", "generate", "--batch", "4", "--train-batch", "5");
        Assert.Equal(2, train.ExitCode);
        Assert.Contains("--train-batch must be between 1 and --batch (4)", train.Error);

        var both = await CliRunner.RunEmbeddedAsync("bench", "generate", "--shape", "tiny", "--config", "config.json");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("not both", both.Error);
    }
}
