using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Probe;
using Orleans.GvmRaft.Policy.Rollouts;
using Orleans.GvmRaft.Policy.Sampling;
using Orleans.GvmRaft.Policy.Tasks;
using Orleans.GvmRaft.Policy.Text;
using Orleans.GvmRaft.Policy.Training;

namespace Orleans.GvmRaft.Tests.Policy;

[Collection(TorchCollection.Name)]
public sealed class ArithmeticTrainingTests
{
    private static readonly CharTokenizer Tokenizer = CharTokenizer.Arithmetic;

    [Fact]
    public void ProblemsAreCorrectAndSpreadOverDifficulties()
    {
        var problems = ArithmeticTask.Generate(60, seed: 1, "t", maxDifficulty: 6);
        Assert.Equal(Enumerable.Range(1, 6), problems.Select(p => p.Difficulty).Distinct().Order());
        foreach (var p in problems)
        {
            // The worked answer's last number is the value; with three numbers, the first step's
            // result comes first and the step that finishes it repeats the third number.
            string[] steps = p.Answer.Split('=');
            Assert.Equal(Evaluate(p.Text.TrimEnd('=')), long.Parse(steps[^1], System.Globalization.CultureInfo.InvariantCulture));
            int operations = p.Text.Count(c => c is '+' or '-');
            Assert.Equal(p.Difficulty <= 3 ? 1 : 2, operations);
            Assert.Equal(operations, steps.Length);
            if (operations == 2)
            {
                string[] numbers = p.Text.TrimEnd('=').Split('+', '-');
                Assert.Equal(Evaluate(p.Text[..(p.Text.Length - numbers[2].Length - 2)]), long.Parse(p.Answer.Split('+', '-')[0], System.Globalization.CultureInfo.InvariantCulture));
                Assert.EndsWith($"{numbers[2]}={steps[^1]}", p.Answer, StringComparison.Ordinal);
            }

            Assert.DoesNotContain('-', steps[^1]);
        }
    }

    [Theory]
    [InlineData("7+5=", 0.0, "12")]
    [InlineData("7+5=", 1.0, "2")] // 7 + 5 = 12: the carry into the tens is forgotten
    [InlineData("52-17=", 0.0, "35")]
    [InlineData("52-17=", 1.0, "45")] // 12 - 7 = 5, then the borrow is forgotten: 5 - 1 = 4
    [InlineData("58+67-9=", 0.0, "125-9=116")]
    [InlineData("58+67-9=", 1.0, "15-9=16")] // 8 + 7 → 5 and 5 + 6 → 1, no carries; 15 - 9: 5 - 9 → 6, no borrow
    [InlineData("19+1-15=", 1.0, "10-15=-5")] // its own slip leaves 10 < 15: it subtracts the other way and writes the sign
    public void TheTeacherWritesWorkedAnswersAndForgetsCarriesAndBorrowsWhenTold(string text, double dropCarry, string expected)
    {
        var problem = new ArithmeticProblem("p", text, "", 0);
        Assert.Equal(expected, ArithmeticTask.Demonstrate(problem, dropCarry, new Random(1)));
    }

    [Fact]
    public void ACorrectTeacherWritesTheProblemsOwnAnswersAndAFlawedOneGetsTheCarriedOnesWrong()
    {
        var problems = ArithmeticTask.Generate(400, seed: 3, "t");
        Assert.All(problems, p => Assert.Equal(p.Answer, ArithmeticTask.Demonstrate(p, 0, new Random(2))));

        // Forgetting every carry spoils the problems that have one (most, not all); forgetting half
        // of them spoils fewer.
        int always = problems.Count(p => ArithmeticTask.Demonstrate(p, 1, new Random(4)) != p.Answer);
        var half = new Random(4);
        int sometimes = problems.Count(p => ArithmeticTask.Demonstrate(p, 0.5, half) != p.Answer);
        Assert.InRange(always, 150, 380);
        Assert.InRange(sometimes, 1, always - 1);
    }

    [Fact]
    public void WarmupTeachesSingleDigitSums()
    {
        using var model = TinyModels.Create(Config(), seed: 11);
        var problems = Enumerable.Range(0, 10).SelectMany(a => Enumerable.Range(0, 10).Select(b => ($"{a}+{b}=", $"{a + b}"))).ToList();
        double before = GreedyAccuracy(model, problems);
        SupervisedWarmup.Run(model, Tokenizer, problems, steps: 150, batchSize: 32, new TrainingOptions(LearningRate: 3e-3), seed: 1);
        double after = GreedyAccuracy(model, problems);
        Assert.True(before < 0.1 && after > 0.6, $"greedy accuracy {before:P0} → {after:P0}");
    }

    [Fact]
    public void TheExecutorCountsWhatItDrewAndMeasuresTheAcceptedResponses()
    {
        using var model = TinyModels.Create(Config(), seed: 12);
        SupervisedWarmup.Run(model, Tokenizer, [("1+1=", "2"), ("2+2=", "4")], steps: 40, batchSize: 8, new TrainingOptions(LearningRate: 3e-3), seed: 2);
        var executor = new RolloutExecutor(model, Tokenizer, new SamplingOptions(MaxNewTokens: 4, Temperature: 1.0), ProbeTarget.EmbedTokens);
        RolloutRequest[] requests = [new("1+1=", "2", "exact", 12, MeasureGradNorms: true), new("2+2=", "4", "exact", 5, MeasureGradNorms: false)];
        var outcomes = executor.Execute(requests, seed: 3);

        Assert.Equal([12, 5], outcomes.Select(o => o.Attempts));
        for (int i = 0; i < requests.Length; i++)
        {
            // Independently: decode each response and compare with the answer.
            int accepted = outcomes[i].Responses.Count(r => Tokenizer.Decode(r.Sequence.Response) == requests[i].Answer);
            Assert.Equal(accepted, outcomes[i].Acceptances);
            Assert.All(outcomes[i].Responses, r => Assert.Equal(Tokenizer.PromptIds(requests[i].Prompt), r.Sequence.Prompt));
        }

        Assert.True(outcomes[0].Acceptances > 0, "the warmed-up model should solve 1+1 sometimes");
        double[] direct = new GradientNormProbe(model).Measure([.. outcomes[0].Accepted], ProbeTarget.EmbedTokens);
        Assert.Equal(direct.Select(d => Math.Round(d, 6)), outcomes[0].GradNorms.Select(d => Math.Round(d, 6)));
        Assert.Empty(outcomes[1].GradNorms);
    }

    private static DecoderConfig Config() => new()
    {
        VocabSize = Tokenizer.VocabSize,
        HiddenSize = 64,
        IntermediateSize = 172,
        Layers = 2,
        Heads = 4,
        KeyValueHeads = 4,
        HeadDim = 16,
        ModelType = "llama",
    };

    private static double GreedyAccuracy(Decoder model, List<(string Prompt, string Answer)> problems) =>
        GreedyEvaluation.Accuracy(model, Tokenizer, problems, maxNewTokens: 4);

    private static long Evaluate(string expression)
    {
        long total = 0;
        int sign = 1, start = 0;
        for (int i = 0; i <= expression.Length; i++)
        {
            if (i == expression.Length || (i > 0 && expression[i] is '+' or '-'))
            {
                total += sign * long.Parse(expression[start..i], System.Globalization.CultureInfo.InvariantCulture);
                if (i < expression.Length)
                {
                    sign = expression[i] == '+' ? 1 : -1;
                    start = i + 1;
                }
            }
        }

        return total;
    }
}
