using Orleans.GvmRaft.Client.Runs;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Tests.Runs;

public sealed class RunConfigFileTests
{
    [Fact]
    public void JsonAndYamlReadTheSameConfiguration()
    {
        const string json = """
            {
              "runId": "arith-gvm",
              "promptSet": "arith",
              "allocator": "uniform",
              "budget": 128,
              "batchSize": 16,
              "iterations": 3,
              "policy": { "seed": 4, "learningRate": 0.001 },
              "reuse": { "maxPolicyLag": 2, "maxInterval": 0.3, "samples": 2 }
            }
            """;
        const string yaml = """
            runId: arith-gvm
            promptSet: "arith"
            allocator: Uniform
            budget: 128
            batchSize: 16
            iterations: 3
            policy:
              seed: 4
              learningRate: 1e-3
            reuse:
              maxPolicyLag: 2
              maxInterval: 0.3
              samples: 2
            """;
        var expected = new RunConfig(
            Allocator: AllocatorKind.Uniform, Budget: 128, BatchSize: 16, Iterations: 3, PromptSet: "arith",
            Policy: new PolicySettings(Seed: 4, LearningRate: 1e-3), Reuse: new Stage1Reuse(2, 0.3, 2));
        Assert.Equal(("arith-gvm", expected), RunConfigFile.Parse(json, yaml: false, "run.json"));
        Assert.Equal(("arith-gvm", expected), RunConfigFile.Parse(yaml, yaml: true, "run.yaml"));
    }

    [Theory]
    [InlineData("""{"runId": "r", "budget": -1}""", "budget")]
    [InlineData("""{"runId": "r", "bugdet": 5}""", "bugdet")]
    [InlineData("""{"runId": "r", "policy": {"learningRate": "fast"}}""", "policy.learningRate")]
    [InlineData("""{"runId": "r", "policy": {"learningRate": 0}}""", "policy.learningRate")]
    [InlineData("""{"runId": "r", "allocator": "greedy"}""", "allocator")]
    [InlineData("""{"runId": "r", "reuse": {"samples": 9}}""", "stage1Reuse.samples")]
    [InlineData("""{"budget": 5}""", "runId")]
    [InlineData("""{"runId": "r", """, "not valid JSON")]
    public void InvalidSettingsAreNamed(string json, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => RunConfigFile.Parse(json, yaml: false, "bad.json"));
        Assert.StartsWith("bad.json:", e.Message);
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void MalformedYamlIsNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => RunConfigFile.Parse("runId: [unclosed", yaml: true, "bad.yaml"));
        Assert.Contains("bad.yaml: not valid YAML", e.Message);
    }
}
