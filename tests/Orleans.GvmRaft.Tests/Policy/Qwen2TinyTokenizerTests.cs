using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Text;

namespace Orleans.GvmRaft.Tests.Policy;

/// <summary>The test byte-level tokenizer written beside the qwen2-tiny fixture is a working Qwen2-style tokenizer.</summary>
public sealed class Qwen2TinyTokenizerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"gvm-qwen2-tiny-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("What is 12 + 7? The answer is \\boxed{19}.")]
    [InlineData("Natalia sold 48 clips in April,\nand half as many in May.\n\n  Total: 72")]
    [InlineData("数学 \\boxed{12} 中")]
    [InlineData("tabs\tand\r\nCRLF, émigré, 🙂")]
    [InlineData("<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n")]
    public void ArbitraryTextRoundTripsWithinTheVocabulary(string text)
    {
        var (tokenizer, _) = Load();
        int[] ids = tokenizer.Encode(text);
        Assert.All(ids, id => Assert.InRange(id, 0, 511));
        Assert.Equal(text.Replace("<|im_start|>", "").Replace("<|im_end|>", ""), tokenizer.Decode(ids));
    }

    [Fact]
    public void MergesShortenCommonTextAndSpecialsTakeTheLastIds()
    {
        var (tokenizer, _) = Load();
        string text = "Please reason step by step, and put your final answer within \\boxed{}.";
        Assert.True(tokenizer.Encode(text).Length < text.Length / 2);
        Assert.Equal([509, 510, 511], tokenizer.Encode("<|endoftext|><|im_start|><|im_end|>"));
        Assert.Equal(511, tokenizer.EosId);
        Assert.Null(tokenizer.BosId);
        Assert.Equal(512, tokenizer.VocabSize);
    }

    [Fact]
    public void TheFolderIsACompleteChatModelFolder()
    {
        var (tokenizer, config) = Load();
        Assert.Equal(ChatStyle.ChatMl, ChatTemplate.Recognize(config.ChatTemplate, _folder));
        Assert.Equal(ChatTemplate.EndOfTurn(ChatStyle.ChatMl), config.EosToken);
        Assert.Equal(DecoderConfig.Load(Path.Combine(_folder, "config.json")).VocabSize, tokenizer.VocabSize);
        Assert.True(File.Exists(Path.Combine(_folder, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(_folder, "generation_config.json")));
    }

    private (HfBpeTokenizer Tokenizer, HfTokenizerConfig Config) Load()
    {
        Assert.Equal(_folder, TestTokenizers.CopyQwen2Tiny(_folder));
        var config = HfTokenizerConfig.Load(Path.Combine(_folder, "tokenizer_config.json"));
        var tokenizer = HfBpeTokenizer.Load(Path.Combine(_folder, "tokenizer.json"), config.EosToken, config.AddBosToken ? config.BosToken : null);
        return (tokenizer, config);
    }
}
