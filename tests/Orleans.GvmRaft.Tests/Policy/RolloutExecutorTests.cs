using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Probe;
using Orleans.GvmRaft.Policy.Rollouts;
using Orleans.GvmRaft.Policy.Sampling;
using Orleans.GvmRaft.Policy.Text;

namespace Orleans.GvmRaft.Tests.Policy;

[Collection(TorchCollection.Name)]
public sealed class RolloutExecutorTests
{
    private static readonly CharTokenizer Tokenizer = CharTokenizer.Arithmetic;

    [Fact]
    public void MixedLengthRequestsGetTheirOwnResponsesInRequestOrder()
    {
        using var model = TinyModels.Create(Config(), seed: 21);

        // Prompt lengths out of order and batches of 3, so sorting by length moves draws across
        // batches and the results have to be put back.
        RolloutRequest[] requests =
        [
            new("12+345+6789=", "0", "exact", 2, MeasureGradNorms: false),
            new("1=", "0", "exact", 3, MeasureGradNorms: false),
            new("123+4=", "0", "exact", 1, MeasureGradNorms: false),
            new("9+9=", "0", "exact", 4, MeasureGradNorms: false),
            new("12+345+6789+1=", "0", "exact", 2, MeasureGradNorms: false),
        ];
        var greedy = SamplingOptions.Greedy(5);
        var outcomes = new RolloutExecutor(model, Tokenizer, greedy, ProbeTarget.EmbedTokens, batchSize: 3).Execute(requests, seed: 1);

        Assert.Equal(requests.Select(r => r.Count), outcomes.Select(o => o.Attempts));
        var alone = new List<int[]>();
        for (int i = 0; i < requests.Length; i++)
        {
            // Greedy decoding does not depend on the batch: the prompt drawn on its own gives the
            // response every draw of this request must have, so a response put back under the
            // wrong request shows.
            int[] prompt = Tokenizer.PromptIds(requests[i].Prompt);
            int[] expected = new Sampler(model).Generate([prompt], greedy with { EosTokenIds = [CharTokenizer.EndId] })[0].Tokens;
            alone.Add(expected);
            Assert.All(outcomes[i].Responses, r =>
            {
                Assert.Equal(prompt, r.Sequence.Prompt);
                Assert.Equal(expected, r.Sequence.Response);
            });
        }

        // Otherwise the check above could not tell the requests apart.
        Assert.True(alone.Select(r => string.Join(",", r)).Distinct().Count() > 2, "the prompts' greedy responses should differ");
    }

    [Fact]
    public void AConfiguredStopTokenEndsAResponseAsTheTokenizersEndDoes()
    {
        using var model = TinyModels.Create(Config(), seed: 21);

        // Greedy, with the first token drawn as the stop token: every response is that token alone.
        int first = new Sampler(model).Generate([Tokenizer.PromptIds("1+2=")], SamplingOptions.Greedy(1))[0].Tokens[0];
        Assert.NotEqual(CharTokenizer.EndId, first); // else the tokenizer's end alone would stop it
        var greedy = new RolloutExecutor(model, Tokenizer, new SamplingOptions(MaxNewTokens: 6, Temperature: 0, EosTokenIds: [first]), ProbeTarget.EmbedTokens)
            .Execute([new RolloutRequest("1+2=", "3", "exact", 2, MeasureGradNorms: false)], seed: 1);
        Assert.All(greedy[0].Responses, r => Assert.Equal([first], r.Sequence.Response));

        // Sampled: both the configured stop token and the tokenizer's end end some responses, and
        // neither appears anywhere but last.
        int stop = Tokenizer.Encode("4")[0];
        RolloutRequest[] requests = [new("1+2=", "3", "exact", 48, MeasureGradNorms: false), new("45+6=", "51", "exact", 48, MeasureGradNorms: false)];
        var sampled = new RolloutExecutor(model, Tokenizer, new SamplingOptions(MaxNewTokens: 12, Temperature: 1.0, EosTokenIds: [stop]), ProbeTarget.EmbedTokens, batchSize: 32)
            .Execute(requests, seed: 5);
        var responses = sampled.SelectMany(o => o.Responses).Select(r => r.Sequence.Response).ToList();
        Assert.All(responses, r => Assert.DoesNotContain(r[..^1], t => t == stop || t == CharTokenizer.EndId));
        Assert.Contains(responses, r => r[^1] == stop);
        Assert.Contains(responses, r => r[^1] == CharTokenizer.EndId);
    }

    [Fact]
    public void ARequestDrawsTheSameResponsesHoweverTheWorkIsSplitBetweenCallsAndBatches()
    {
        // What a worker claims with what, and in which order, changes the calls and batches; the
        // draws of one key stay the same, and another key (or run seed) draws others.
        using var model = TinyModels.Create(Config(), seed: 21);
        var sampling = new SamplingOptions(MaxNewTokens: 8, Temperature: 1.0);
        RolloutRequest[] requests =
        [
            new("12+34=", "46", "exact", 5, MeasureGradNorms: false, DrawKey: "3/Estimate/p-1"),
            new("7+5=", "12", "exact", 3, MeasureGradNorms: true, DrawKey: "3/Estimate/p-2"),
            new("9+9-1=", "18-1=17", "exact", 4, MeasureGradNorms: false, DrawKey: "3/Sample/p-2"),
        ];
        var together = new RolloutExecutor(model, Tokenizer, sampling, ProbeTarget.EmbedTokens, batchSize: 4).Execute(requests, seed: 9);
        var last = new RolloutExecutor(model, Tokenizer, sampling, ProbeTarget.EmbedTokens, batchSize: 256).Execute([requests[2], requests[0]], seed: 9);
        var alone = new RolloutExecutor(model, Tokenizer, sampling, ProbeTarget.EmbedTokens, batchSize: 1).Execute([requests[1]], seed: 9);

        static string[] Drawn(RolloutOutcome o) => [.. o.Responses.Select(r => string.Join(",", r.Sequence.Response))];
        Assert.Equal(Drawn(together[0]), Drawn(last[1]));
        Assert.Equal(Drawn(together[2]), Drawn(last[0]));
        Assert.Equal(Drawn(together[1]), Drawn(alone[0]));
        Assert.Equal(together[1].GradNorms, alone[0].GradNorms);

        var otherSeed = new RolloutExecutor(model, Tokenizer, sampling, ProbeTarget.EmbedTokens).Execute([requests[0]], seed: 10);
        var otherKey = new RolloutExecutor(model, Tokenizer, sampling, ProbeTarget.EmbedTokens).Execute([requests[0] with { DrawKey = "4/Estimate/p-1" }], seed: 9);
        Assert.NotEqual(Drawn(together[0]), Drawn(otherSeed[0]));
        Assert.NotEqual(Drawn(together[0]), Drawn(otherKey[0]));

        // Each response brings its tokens' log-probabilities under the sampling policy.
        Assert.All(together.Zip(requests), pair => Assert.Equal(pair.Second.Count, pair.First.LogProbs!.Length));
        Assert.All(together.SelectMany(o => o.Responses.Zip(o.LogProbs!)), r => Assert.Equal(r.First.Sequence.Response.Length, r.Second.Length));
    }

    private static DecoderConfig Config() => new()
    {
        VocabSize = Tokenizer.VocabSize,
        HiddenSize = 32,
        IntermediateSize = 64,
        Layers = 2,
        Heads = 4,
        KeyValueHeads = 2,
        HeadDim = 8,
        ModelType = "llama",
    };
}
