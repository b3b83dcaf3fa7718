using System.Text.Json;
using Orleans.GvmRaft.Tests.Policy;

namespace Orleans.GvmRaft.Tests.Cli;

[Collection(TorchCollection.Name)]
public sealed class BenchOverheadCommandTests
{
    [Theory]
    [InlineData("Memory")]
    [InlineData("Sqlite")]
    public async Task BothPathsDrawTheSameRolloutsAndTheRatioIsTheirTimes(string storage)
    {
        var result = await CliRunner.RunEmbeddedAsync(
            "bench", "overhead", "--storage", storage, "--allocator", "uniform", "--iterations", "2",
            "--batch-size", "8", "--stage1-samples", "2", "--budget", "16", "--train-prompts", "64", "--eval-prompts", "10", "--warmup-steps", "5", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        var json = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal(storage, json.GetProperty("storage").GetString());
        Assert.Equal(2, json.GetProperty("iterations").GetInt32());
        Assert.Equal("uniform", json.GetProperty("arm").GetString());

        // Uniform draws the whole schedule on both paths: n0·B + N per iteration, 2 iterations.
        const long rollouts = 2 * ((8 * 2) + 16);
        Assert.Equal(rollouts, json.GetProperty("systemRollouts").GetInt64());
        Assert.Equal(rollouts, json.GetProperty("bareRollouts").GetInt64());

        double system = json.GetProperty("systemSecondsPerIteration").GetDouble();
        double bare = json.GetProperty("bareSecondsPerIteration").GetDouble();
        Assert.True(system > 0 && bare > 0, $"system {system}, bare {bare}");
        Assert.Equal(system / bare, json.GetProperty("systemOverBare").GetDouble(), tolerance: 1e-12);
        foreach (var (path, mean) in new[] { ("system", system), ("bare", bare) })
        {
            double[] each = [.. json.GetProperty($"{path}IterationSeconds").EnumerateArray().Select(e => e.GetDouble())];
            Assert.Equal(2, each.Length);
            Assert.All(each, seconds => Assert.True(seconds > 0, $"{path}: an iteration of {seconds} s"));

            // Sampling and training took time on both paths; the rest (picking the batch,
            // allocating, and in the system whatever the phases left over) is what remains of the
            // iteration, never negative and never most of it at this size.
            var split = json.GetProperty(path);
            double sampling = split.GetProperty("sampling").GetDouble(), training = split.GetProperty("training").GetDouble(), rest = split.GetProperty("rest").GetDouble();
            Assert.True(sampling > 0 && training > 0, $"{path}: sampling {sampling}, training {training}");
            Assert.InRange(rest, 0, mean / 2);

            // The model work nests inside the phases: generation (and the system's sampler loads)
            // in sampling; the update and evaluation (and the system's version store and trainer
            // load) in training.
            var compute = json.GetProperty($"{path}Compute");
            double generate = Part(compute, "generate"), trained = Part(compute, "train") + Part(compute, "evaluate");
            Assert.True(generate > 0 && Part(compute, "train") > 0 && Part(compute, "evaluate") > 0, $"{path}: generate {generate}, train {Part(compute, "train")}, evaluate {Part(compute, "evaluate")}");
            Assert.True(generate + Part(compute, "load_sampler") <= sampling + 1e-9, $"{path}: generate {generate} + load {Part(compute, "load_sampler")} > sampling {sampling}");
            Assert.True(trained + Part(compute, "publish") + Part(compute, "load_trainer") <= training + 1e-9, $"{path}: model work {trained} > training {training}");
        }
    }

    private static double Part(JsonElement parts, string name) => parts.TryGetProperty(name, out var value) ? value.GetDouble() : 0;

    [Theory]
    [InlineData("--storage", "Redis", "--storage must be Sqlite or Memory")]
    [InlineData("--allocator", "ada", "--allocator must be one of gvm-chunk, gvm, uniform")]
    [InlineData("--iterations", "0", "--iterations must be >= 1")]
    [InlineData("--budget", "-1", "--budget must be >= 0")]
    public async Task BadValuesAreRefusedByName(string option, string value, string message)
    {
        var result = await CliRunner.RunEmbeddedAsync("bench", "overhead", "--json", option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.Contains(message, result.Error);
    }
}
