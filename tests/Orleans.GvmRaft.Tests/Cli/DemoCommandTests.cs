namespace Orleans.GvmRaft.Tests.Cli;

public sealed class DemoCommandTests
{
    [Fact]
    public async Task TheEmbeddedDemoRunsEveryIterationAndPrintsTheAllocation()
    {
        var result = await CliRunner.RunEmbeddedAsync("demo", "--iterations", "2", "--budget", "96");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Imported 48 prompts", result.Output);
        Assert.Contains("iteration 1:", result.Output);
        Assert.Contains("iteration 2:", result.Output);
        Assert.Contains("Iteration 2: Gvm allocation of N = 96", result.Output);
        Assert.Contains("arith-048", result.Output);
    }
}
