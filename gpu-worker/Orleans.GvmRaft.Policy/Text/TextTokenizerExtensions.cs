namespace Orleans.GvmRaft.Policy.Text;

/// <summary>How prompts and answers become model input, in one place for sampling and training alike.</summary>
public static class TextTokenizerExtensions
{
    /// <summary>The prompt's tokens, after the beginning-of-sequence token when the tokenizer has one.</summary>
    public static int[] PromptIds(this ITextTokenizer tokenizer, string prompt) =>
        tokenizer.BosId is int bos ? [bos, .. tokenizer.Encode(prompt)] : tokenizer.Encode(prompt);

    /// <summary>The answer's tokens, then the end-of-sequence token when the tokenizer has one.</summary>
    public static int[] AnswerIds(this ITextTokenizer tokenizer, string answer) =>
        tokenizer.EosId is int eos ? [.. tokenizer.Encode(answer), eos] : tokenizer.Encode(answer);
}
