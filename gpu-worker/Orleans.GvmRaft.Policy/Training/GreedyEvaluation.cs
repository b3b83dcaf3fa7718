using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Sampling;
using Orleans.GvmRaft.Policy.Text;

namespace Orleans.GvmRaft.Policy.Training;

/// <summary>Held-out accuracy: greedy decoding, exact match of the decoded answer.</summary>
public static class GreedyEvaluation
{
    /// <summary>The share of <paramref name="problems"/> whose greedy answer equals the reference.</summary>
    public static double Accuracy(Decoder model, ITextTokenizer tokenizer, IReadOnlyList<(string Prompt, string Answer)> problems, int maxNewTokens = 8)
    {
        var generations = new Sampler(model).Generate(
            [.. problems.Select(p => tokenizer.PromptIds(p.Prompt))],
            new SamplingOptions(MaxNewTokens: maxNewTokens, Temperature: 0, EosTokenIds: tokenizer.EosId is int eos ? [eos] : null));
        return problems.Where((p, i) => tokenizer.Decode(generations[i].Tokens) == p.Answer).Count() / (double)problems.Count;
    }
}
