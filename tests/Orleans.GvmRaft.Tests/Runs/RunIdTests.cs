using Orleans.GvmRaft.Client.Runs;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Tests.Runs;

public sealed class RunIdTests
{
    [Theory]
    [InlineData("math-7b.seed_1")]
    [InlineData("R")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void IdsInTheRuleAreAccepted(string runId) => Assert.Null(RunIds.Problem(runId));

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("a/b", "holds '/' at position 2")]
    [InlineData("-a", "starts with '-'")]
    [InlineData(".hidden", "starts with '.'")]
    [InlineData("run 1", "holds ' ' at position 4")]
    [InlineData("é", "starts with 'é'")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234", "has 65 characters")]
    public void IdsOutsideTheRuleAreRefusedWithTheRuleNamed(string runId, string problem)
    {
        Assert.Equal(problem, RunIds.Problem(runId));
        var e = Assert.Throws<ArgumentException>(() => RunIds.Validate(runId));
        Assert.Contains(RunIds.Rule, e.Message);
    }

    [Fact]
    public void AConfigurationFileWithABadRunIdIsRefusedNamingTheFileAndTheRule()
    {
        var e = Assert.Throws<ArgumentException>(() => RunConfigFile.Parse("""{"runId": "team/run", "promptSet": "s"}""", yaml: false, "run.json"));
        Assert.Equal($"run.json: runId 'team/run' holds '/' at position 5: a run id is {RunIds.Rule}.", e.Message);
    }

    [Theory]
    [InlineData("a_b", "a_b")]
    [InlineData("math-7b.s1", "math-7b.s1")]
    [InlineData("a/b", "a~2Fb")]
    [InlineData("a~b", "a~7Eb")]
    [InlineData("..", "~2E.")]
    [InlineData("é", "~C3~A9")]
    public void CheckpointFolderNamesAreTheIdOrItsEscapes(string runId, string folder) => Assert.Equal(folder, CheckpointNames.Run(runId));

    [Fact]
    public void NoTwoIdsShareACheckpointFolder()
    {
        // Every id over a small alphabet of kept and escaped characters, up to four long: the
        // encoding is one to one when no two of them map to the same name.
        char[] alphabet = ['a', '_', '.', '/', '~', '7', 'E', ' '];
        var ids = new List<string> { };
        var frontier = new List<string> { "" };
        for (int length = 1; length <= 4; length++)
        {
            frontier = [.. frontier.SelectMany(prefix => alphabet.Select(c => prefix + c))];
            ids.AddRange(frontier);
        }

        var names = ids.Select(CheckpointNames.Run).ToList();
        Assert.Equal(ids.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, name => Assert.True(name == Path.GetFileName(name) && name[0] != '.', name));
    }
}
