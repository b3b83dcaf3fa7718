namespace Orleans.GvmRaft.Policy.Text;

/// <summary>Text to token ids and back.</summary>
public interface ITextTokenizer
{
    /// <summary>Ids the model's embedding must cover.</summary>
    int VocabSize { get; }

    /// <summary>The id put before every prompt, if the tokenizer uses one.</summary>
    int? BosId { get; }

    /// <summary>The end-of-sequence id, if the tokenizer has one.</summary>
    int? EosId { get; }

    /// <summary>Token ids of <paramref name="text"/>; special tokens written in the text become their ids.</summary>
    int[] Encode(string text);

    /// <summary>The text of <paramref name="ids"/>; special tokens are left out.</summary>
    string Decode(IEnumerable<int> ids);
}
