using System.Text.Json;

namespace Orleans.GvmRaft.Tests.Cli;

public sealed class AllocateCommandTests
{
    [Fact]
    public async Task PrintsOneLinePerInputLineInOrderAndNothingElse()
    {
        // p = 0.5 for all, G = 1, 3, 0, 4 → weights 1 : 3 : 0 : 4 of N = 16 → 2, 6, 0, 8.
        string stats = CliRunner.TempFile(
            """{"id": "a", "acceptRate": 0.5, "gradNorm": 1}""",
            """{"id": "b", "acceptRate": 0.5, "gradNorm": 3.0}""",
            """{"id": "c", "acceptRate": 0.5, "gradNorm": 0}""",
            "",
            """{"id": "d\"q", "acceptRate": 0.5, "gradNorm": 4, "extra": true}""");
        var result = await CliRunner.RunAsync("allocate", "--stats", stats, "--budget", "16");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        var rows = result.Lines.Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.Equal(["a", "b", "c", "d\"q"], rows.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal([2, 6, 0, 8], rows.Select(r => r.GetProperty("samples").GetInt32()));
        Assert.All(rows, r => Assert.Equal(2, r.EnumerateObject().Count()));
    }

    [Fact]
    public async Task PassesAlphaBetaAndFiltersThrough()
    {
        // T = 0.8 drops "easy"; w(0.5, 1) : w(0.25, 1) = 1/sqrt(0.502) : 1/sqrt(0.254) → 4.16, 5.84 of 10 → 4, 6.
        string stats = CliRunner.TempFile(
            """{"id": "easy", "acceptRate": 0.9, "gradNorm": 1}""",
            """{"id": "mid", "acceptRate": 0.5, "gradNorm": 1}""",
            """{"id": "hard", "acceptRate": 0.25, "gradNorm": 1}""");
        var result = await CliRunner.RunAsync("allocate", "--stats", stats, "--budget", "10", "--filter-threshold", "0.8");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["""{"id":"easy","samples":0}""", """{"id":"mid","samples":4}""", """{"id":"hard","samples":6}"""], result.Lines);

        // α = 0 and β = 2: w = G / sqrt(p) → 1/sqrt(0.9) : 1/sqrt(0.5) : 1/sqrt(0.25) = 1.054 : 1.414 : 2 of 9 → 2.13, 2.86, 4.02 → 2, 3, 4.
        var plain = await CliRunner.RunAsync("allocate", "--stats", stats, "--budget", "9", "--alpha", "0", "--beta", "2");
        Assert.Equal(["""{"id":"easy","samples":2}""", """{"id":"mid","samples":3}""", """{"id":"hard","samples":4}"""], plain.Lines);

        // K = 1.5 of N = 10: r = 0.236, 0.317, 0.448 and p · r · N = 2.12, 1.58, 1.12 → "hard" drops;
        // the rest share 1.054 : 1.414 → 4.27, 5.73 → 4, 6.
        var floor = await CliRunner.RunAsync("allocate", "--stats", stats, "--budget", "10", "--alpha", "0", "--filter-insufficient", "1.5");
        Assert.Equal(["""{"id":"easy","samples":4}""", """{"id":"mid","samples":6}""", """{"id":"hard","samples":0}"""], floor.Lines);
    }

    [Theory]
    [InlineData("""{"id": "a", "acceptRate": 1.5, "gradNorm": 1}""", "acceptRate")]
    [InlineData("""{"id": "a", "acceptRate": -0.1, "gradNorm": 1}""", "acceptRate")]
    [InlineData("""{"id": "a", "acceptRate": 0.5, "gradNorm": -1}""", "gradNorm")]
    [InlineData("""{"id": "a", "acceptRate": "NaN", "gradNorm": 1}""", "acceptRate")]
    [InlineData("""{"id": "a", "acceptRate": 0.5}""", "\"gradNorm\" is missing")]
    [InlineData("""{"id": 7, "acceptRate": 0.5, "gradNorm": 1}""", "\"id\" must be a string")]
    [InlineData("""{"id": "a", "acceptRate": 0.5, "gradNorm": 1e999}""", "gradNorm")]
    [InlineData("""{"id": "a", "acceptRate": 0.5, "gradNorm": 1""", "not valid JSON")]
    [InlineData("""[1, 2]""", "expected a JSON object")]
    [InlineData("""{"id": "ok", "acceptRate": 0.5, "gradNorm": 1}""", "duplicate id 'ok' (first on line 1)")]
    public async Task BadInputNamesTheLineAndPrintsNothing(string badLine, string named)
    {
        string stats = CliRunner.TempFile("""{"id": "ok", "acceptRate": 0.5, "gradNorm": 1}""", badLine);
        var result = await CliRunner.RunAsync("allocate", "--stats", stats, "--budget", "10");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.Contains($"{stats}:2:", result.Error);
        Assert.Contains(named, result.Error);
    }

    [Fact]
    public async Task BadOptionsAndMissingFilesAreRefused()
    {
        string stats = CliRunner.TempFile("""{"id": "a", "acceptRate": 0.5, "gradNorm": 1}""");
        var negative = await CliRunner.RunAsync("allocate", "--stats", stats, "--budget", "-3");
        Assert.NotEqual(0, negative.ExitCode);
        Assert.Contains("--budget", negative.Error);

        var alpha = await CliRunner.RunAsync("allocate", "--stats", stats, "--budget", "3", "--alpha", "-1");
        Assert.NotEqual(0, alpha.ExitCode);
        Assert.Contains("alpha", alpha.Error);

        var missing = await CliRunner.RunAsync("allocate", "--stats", "/no/such/file.jsonl", "--budget", "3");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("no such file", missing.Error);

        var noBudget = await CliRunner.RunAsync("allocate", "--stats", stats);
        Assert.NotEqual(0, noBudget.ExitCode);
        Assert.Equal("", noBudget.Output);
    }

    [Fact]
    public async Task AllZeroWeightsWarnAndSpreadUniformly()
    {
        string stats = CliRunner.TempFile(
            """{"id": "a", "acceptRate": 0, "gradNorm": 1}""",
            """{"id": "b", "acceptRate": 0.5, "gradNorm": 0}""");
        var result = await CliRunner.RunAsync("allocate", "--stats", stats, "--budget", "5");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["""{"id":"a","samples":3}""", """{"id":"b","samples":2}"""], result.Lines);
        Assert.Contains("uniformly", result.Error);
    }
}
