using Orleans.GvmRaft.Policy.Text;

namespace Orleans.GvmRaft.Tests.Text;

public sealed class TokenizerTests
{
    // A byte-level BPE in tokenizer.json form, small enough to encode by hand. Qwen2's split
    // pattern puts every digit in a piece of its own, so "12" cannot use the "1 2" merge.
    private const string TokenizerJson = """
    {
      "added_tokens": [{"id": 11, "content": "<|im_end|>", "special": true}],
      "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"}, "behavior": "Isolated"},
        {"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}]},
      "model": {"type": "BPE",
        "vocab": {"a": 0, "b": 1, "c": 2, "Ġ": 3, "ab": 4, "abc": 5, "Ġa": 6, "Ċ": 7, "1": 8, "2": 9, "12": 10},
        "merges": ["a b", "ab c", "Ġ a", "1 2"]}
    }
    """;

    [Fact]
    public void ByteLevelBpeEncodesByMergeRankAndKeepsSpecialTokens()
    {
        var tokenizer = Load();

        // "abc" → a b c → (a b) first → ab c → abc. " ab" → Ġ a b: (a b) outranks (Ġ a) → Ġ, ab.
        Assert.Equal([5, 3, 4, 11], tokenizer.Encode("abc ab<|im_end|>"));
        Assert.Equal([8, 9], tokenizer.Encode("12"));
        Assert.Equal("abc ab", tokenizer.Decode([5, 3, 4, 11]));
        Assert.Equal(11, tokenizer.EosId);
        Assert.Equal(12, tokenizer.VocabSize);
    }

    [Fact]
    public void BosAndEosMayBeAddedTokensOrVocabularyEntries()
    {
        string path = Write();
        var tokenizer = HfBpeTokenizer.Load(path, eosToken: "<|im_end|>", bosToken: "Ċ");
        Assert.Equal(7, tokenizer.BosId);
        Assert.Equal([7, 5], tokenizer.PromptIds("abc"));
        Assert.Equal(4, HfBpeTokenizer.Load(path, eosToken: "ab").EosId);
        Assert.Null(Load().BosId);
    }

    [Fact]
    public void ATokenNotInTheFileIsRefusedNamingPathAndToken()
    {
        string path = Write();
        var error = Assert.Throws<InvalidDataException>(() => HfBpeTokenizer.Load(path, eosToken: "<|im_end|>", bosToken: "<s>"));
        Assert.Contains(path, error.Message);
        Assert.Contains("'<s>'", error.Message);
        Assert.Contains("'</s>'", Assert.Throws<InvalidDataException>(() => HfBpeTokenizer.Load(path, eosToken: "</s>")).Message);
    }

    [Fact]
    public void TextTheVocabularyCannotSpellIsRefusedNamingTheCharacter()
    {
        var tokenizer = Load();

        // 'd' has no byte token here; the BPE alone would drop it and encode "abc" silently.
        Assert.Contains("'d' (U+0064) at 3", Assert.Throws<ArgumentException>(() => tokenizer.Encode("abcd")).Message);
        Assert.Contains("'中' (U+4E2D) at 1", Assert.Throws<ArgumentException>(() => tokenizer.Encode("a中")).Message);
        Assert.Contains("at 12", Assert.Throws<ArgumentException>(() => tokenizer.Encode("ab<|im_end|>\t")).Message);
        Assert.Equal([4, 11, 3, 2], tokenizer.Encode("ab<|im_end|> c"));
    }

    [Fact]
    public void CharTokenizerRoundTripsAndRefusesUnknownCharacters()
    {
        var tokenizer = CharTokenizer.Arithmetic;
        int[] ids = tokenizer.Encode("12+7=19");
        Assert.Equal([4, 5, 13, 10, 16, 4, 12], ids);
        Assert.Equal("12+7=19", tokenizer.Decode([CharTokenizer.BosId, .. ids, CharTokenizer.EndId]));
        Assert.Contains("'x' at 1", Assert.Throws<ArgumentException>(() => tokenizer.Encode("1x")).Message);
    }

    [Fact]
    public void QwenChatFormatWrapsTheProblem()
    {
        Assert.Equal(
            "<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n" +
            "<|im_start|>user\nWhat is 2 + 2?<|im_end|>\n<|im_start|>assistant\n",
            ChatFormat.Qwen("What is 2 + 2?"));
    }

    private static HfBpeTokenizer Load() => HfBpeTokenizer.Load(Write(), eosToken: "<|im_end|>");

    private static string Write()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gvm-tokenizer-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, TokenizerJson);
        return path;
    }
}
