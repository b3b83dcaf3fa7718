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
        var problems = ArithmeticTask.Generate(60, seed: 1, "t");
        Assert.Equal(Enumerable.Range(1, 6), problems.Select(p => p.Difficulty).Distinct().Order());
        foreach (var p in problems)
        {
            Assert.Equal(long.Parse(p.Answer, System.Globalization.CultureInfo.InvariantCulture), Evaluate(p.Text.TrimEnd('=')));
            Assert.Equal(p.Difficulty <= 3 ? 1 : 2, p.Text.Count(c => c is '+' or '-'));
            Assert.DoesNotContain('-', p.Answer);
        }
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
