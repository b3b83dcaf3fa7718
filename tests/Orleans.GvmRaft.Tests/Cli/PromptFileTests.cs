using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Client.Input;
using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Tests.Cli;

public sealed class PromptFileTests
{
    [Fact]
    public void ReadsBothFieldNamesDefaultsTheVerifierAndDerivesStableIds()
    {
        var prompts = Read(
            """{"id": "q1", "problem": "1 + 1?", "answer": "2", "verifier": "exact"}""",
            """{"prompt": "Solve x + 2 = 5.", "answer": 3}""");
        Assert.Equal(new PromptDefinition("q1", "1 + 1?", "2", VerifierKinds.Exact), prompts[0]);
        Assert.Equal("3", prompts[1].Answer);
        Assert.Equal(VerifierKinds.Math, prompts[1].Verifier);

        // The derived id depends on the text alone: the same problem always maps to the same prompt.
        Assert.StartsWith("p-", prompts[1].Id);
        Assert.Equal(prompts[1].Id, PromptFile.ContentId("Solve x + 2 = 5."));
        Assert.NotEqual(prompts[1].Id, PromptFile.ContentId("Solve x + 2 = 6."));
    }

    [Theory]
    [InlineData("""{"id": "b", "problem": "p"}""", "\"answer\" is missing")]
    [InlineData("""{"id": "b", "answer": "1"}""", "\"problem\" (or \"prompt\") is missing")]
    [InlineData("""{"id": "b", "problem": "  ", "answer": "1"}""", "problem text is empty")]
    [InlineData("""{"id": "b", "problem": "p", "answer": ""}""", "\"answer\" is empty")]
    [InlineData("""{"id": "b", "problem": "p", "answer": "1", "verifier": "regex"}""", "unknown verifier 'regex'")]
    [InlineData("""{"id": "a", "problem": "p", "answer": "1"}""", "duplicate prompt id 'a' (first on line 1)")]
    [InlineData("""{"id": 5, "problem": "p", "answer": "1"}""", "\"id\" must be a string")]
    [InlineData("""{"problem": "p", "prompt": "q", "answer": "1"}""", "differ")]
    [InlineData("""{"id": "b", "problem": "p", "answer": [1]}""", "\"answer\" must be a string or a number")]
    [InlineData("not json", "not valid JSON")]
    public void BadLinesAreReportedWithTheirLineNumber(string line, string named)
    {
        var e = Assert.Throws<InputFileException>(() => Read("""{"id": "a", "problem": "p", "answer": "1"}""", "", line));
        Assert.Equal(3, e.Line);
        Assert.Contains(named, e.Problem);
    }

    private static List<PromptDefinition> Read(params string[] lines) =>
        PromptFile.Read(new StringReader(string.Join('\n', lines)), "set.jsonl");
}
