using Orleans.GvmRaft.Policy.Verifiers;

namespace Orleans.GvmRaft.Tests.Verifiers;

public sealed class VerifierTests
{
    [Theory]
    [InlineData("The answer is \\boxed{42}.", "42", 1)]
    [InlineData("First \\boxed{1}, then finally \\boxed{2}", "2", 1)]
    [InlineData("\\boxed{\\frac{1}{2}}", "\\dfrac{1}{2}", 1)]
    [InlineData("\\boxed{\\dfrac12}", "\\frac{1}{2}", 1)]
    [InlineData("\\boxed{\\tfrac{3}{4}}", "3/4", 1)]
    [InlineData("\\boxed{0.5}", "\\frac{1}{2}", 1)]
    [InlineData("\\boxed{0.50}", "1/2", 1)]
    [InlineData("\\boxed{\\left( 1, 2 \\right)}", "(1,2)", 1)]
    [InlineData("\\boxed{90^\\circ}", "90", 1)]
    [InlineData("\\boxed{90^{\\circ}}", "90", 1)]
    [InlineData("\\boxed{\\$18.90}", "18.90", 1)]
    [InlineData("\\boxed{25\\%}", "25", 1)]
    [InlineData("\\boxed{10\\text{ cm}}", "10", 1)]
    [InlineData("\\boxed{x = 5}", "5", 1)]
    [InlineData("\\boxed{\\sqrt3}", "\\sqrt{3}", 1)]
    [InlineData("\\boxed{\\frac{\\sqrt{3}}{2}}", "\\frac{\\sqrt{3}}{2}", 1)]
    [InlineData("\\boxed{1,000}", "1000", 1)]
    [InlineData("\\boxed{.5}", "0.5", 1)]
    [InlineData("so \\boxed 7$ done", "7", 1)]
    [InlineData("\\boxed{\\{1, 2\\}}", "\\{1,2\\}", 1)]
    [InlineData("The answer is 42.", "42", 0)]
    [InlineData("\\boxed{42", "42", 0)]
    [InlineData("\\boxed{41}", "42", 0)]
    [InlineData("\\boxed{\\frac{1}{3}}", "\\frac{1}{2}", 0)]
    [InlineData("\\boxed{}", "0", 0)]
    public void MathNormalisesTheLastBox(string response, string answer, int expected) =>
        Assert.Equal(expected, new MathVerifier().Score(response, answer));

    [Fact]
    public void LastBoxedHandlesNestedBraces()
    {
        Assert.Equal("\\frac{a}{b^{2}}", MathAnswer.LastBoxed("x \\boxed{\\frac{a}{b^{2}}} y"));
        Assert.Null(MathAnswer.LastBoxed("\\boxed{\\frac{a}{b}"));
        Assert.Null(MathAnswer.LastBoxed("no box here"));
    }

    [Theory]
    [InlineData("Janet has 3 + 4 = 7 eggs.\n#### 7", "#### 7", 1)]
    [InlineData("#### 1,234", "1234", 1)]
    [InlineData("#### $18", "18", 1)]
    [InlineData("#### 5.0", "5", 1)]
    [InlineData("#### 4\n#### 5", "5", 1)]
    [InlineData("the answer is 7", "7", 0)]
    [InlineData("#### 8", "7", 0)]
    [InlineData("#### -3", "-3", 1)]
    public void Gsm8kReadsTheNumberAfterTheMarker(string response, string answer, int expected) =>
        Assert.Equal(expected, new Gsm8kVerifier().Score(response, answer));

    [Theory]
    [InlineData("85", "85", 1)]
    [InlineData(" 85\n", "85", 1)]
    [InlineData("850", "85", 0)]
    [InlineData("", "85", 0)]
    public void ExactMatchTrimsWhitespaceOnly(string response, string answer, int expected) =>
        Assert.Equal(expected, new ExactMatchVerifier().Score(response, answer));

    [Fact]
    public void UnknownKindsAreRefused() =>
        Assert.Contains("unknown verifier 'regex'", Assert.Throws<ArgumentException>(() => Verifier.For("regex")).Message);
}
