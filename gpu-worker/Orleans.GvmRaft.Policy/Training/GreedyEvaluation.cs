using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Sampling;
using Orleans.GvmRaft.Policy.Text;
using Orleans.GvmRaft.Policy.Verifiers;

namespace Orleans.GvmRaft.Policy.Training;

/// <summary>Held-out accuracy: greedy decoding, each response scored by its problem's verifier.</summary>
public static class GreedyEvaluation
{
    /// <summary>The share of <paramref name="problems"/> whose greedy answer equals the reference exactly.</summary>
    public static double Accuracy(Decoder model, ITextTokenizer tokenizer, IReadOnlyList<(string Prompt, string Answer)> problems, int maxNewTokens = 8) =>
        Accuracy(model, tokenizer, [.. problems.Select(p => new EvalProblem(p.Prompt, p.Answer, "exact"))], maxNewTokens, []);

    /// <summary>
    /// The share of <paramref name="problems"/> whose greedy response its verifier accepts; a
    /// response ends at the tokenizer's end of sequence or any of <paramref name="stopIds"/>.
    /// Prompts are decoded in batches of <paramref name="batchSize"/>.
    /// </summary>
    public static double Accuracy(Decoder model, ITextTokenizer tokenizer, IReadOnlyList<EvalProblem> problems, int maxNewTokens, IReadOnlyList<int> stopIds, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(stopIds);
        if (problems.Count == 0)
        {
            return 0;
        }

        int[] stops = [.. stopIds.Concat(tokenizer.EosId is int eos ? [eos] : []).Distinct()];
        var options = new SamplingOptions(MaxNewTokens: maxNewTokens, Temperature: 0, EosTokenIds: stops.Length > 0 ? stops : null);
        int accepted = 0;
        for (int start = 0; start < problems.Count; start += batchSize)
        {
            var chunk = problems.Skip(start).Take(batchSize).ToList();
            var generations = new Sampler(model).Generate([.. chunk.Select(p => tokenizer.PromptIds(p.Prompt))], options);
            accepted += chunk.Where((p, i) => Verifier.For(p.Verifier).Score(tokenizer.Decode(generations[i].Tokens), p.Answer) == 1).Count();
        }

        return accepted / (double)problems.Count;
    }
}
