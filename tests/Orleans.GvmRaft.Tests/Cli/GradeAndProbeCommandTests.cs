using System.Text.Json;
using Orleans.GvmRaft.Tests.Policy;

namespace Orleans.GvmRaft.Tests.Cli;

[Collection(TorchCollection.Name)]
public sealed class GradeAndProbeCommandTests
{
    [Fact]
    public async Task GradePrintsOneScorePerLineInOrder()
    {
        string input = CliRunner.TempFile(
            """{"response": "so \\boxed{\\dfrac{1}{2}}", "answer": "0.5"}""",
            """{"response": "no box", "answer": "3"}""",
            """{"response": "\\boxed{3}", "answer": 3}""");
        var result = await CliRunner.RunAsync("grade", "--verifier", "math", "--input", input);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["""{"score":1}""", """{"score":0}""", """{"score":1}"""], result.Lines);
    }

    [Fact]
    public async Task GradeRefusesBadInputAndUnknownVerifiers()
    {
        string input = CliRunner.TempFile("""{"response": "x", "answer": "y"}""", """{"answer": "y"}""");
        var bad = await CliRunner.RunAsync("grade", "--verifier", "exact", "--input", input);
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("", bad.Output);
        Assert.Contains(":2: \"response\" is missing", bad.Error);

        var unknown = await CliRunner.RunAsync("grade", "--verifier", "regex", "--input", input);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Equal("", unknown.Output);
    }

    [Fact]
    public async Task ModelProbeMatchesTheReference()
    {
        var sequence = ReferenceFixtures.Sequences("qwen2-tiny")[1];
        var result = await CliRunner.RunAsync(
            "model", "probe", "--model", ReferenceFixtures.Folder("qwen2-tiny"), "--ids", string.Join(",", sequence.InputIds), "--greedy", "16");
        Assert.True(result.ExitCode == 0, result.Error);
        var json = JsonDocument.Parse(result.Output).RootElement;
        float[] logits = [.. json.GetProperty("lastLogits").EnumerateArray().Select(v => v.GetSingle())];
        Assert.True(logits.Zip(sequence.LastLogits, (a, b) => Math.Abs(a - b)).Max() < 1e-4);
        Assert.True(Math.Abs(json.GetProperty("logLikelihood").GetDouble() - sequence.SumLogprobTeacherForced) < 1e-3);
        Assert.Equal(sequence.Greedy16, json.GetProperty("greedy").EnumerateArray().Select(v => v.GetInt32()));
    }

    [Fact]
    public async Task ModelProbeRefusesBadIdsAndFolders()
    {
        var ids = await CliRunner.RunAsync("model", "probe", "--model", ReferenceFixtures.Folder("qwen2-tiny"), "--ids", "1,x,3");
        Assert.Equal(2, ids.ExitCode);
        Assert.Contains("'x' (item 2)", ids.Error);

        var range = await CliRunner.RunAsync("model", "probe", "--model", ReferenceFixtures.Folder("qwen2-tiny"), "--ids", "1,512");
        Assert.Contains("below the vocabulary size 512", range.Error);

        var folder = await CliRunner.RunAsync("model", "probe", "--model", "/no/such/model", "--ids", "1");
        Assert.Equal(2, folder.ExitCode);
        Assert.Contains("no config.json", folder.Error);
    }
}
