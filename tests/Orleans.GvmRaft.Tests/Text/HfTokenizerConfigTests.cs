using Orleans.GvmRaft.Policy.Text;

namespace Orleans.GvmRaft.Tests.Text;

public sealed class HfTokenizerConfigTests : IDisposable
{
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"gvm-tokcfg-{Guid.NewGuid():N}")).FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TokensAreReadAsStringsOrAddedTokenObjects()
    {
        var config = Load("""
            {"bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false}, "eos_token": "</s>",
             "add_bos_token": true, "chat_template": "{{ bos_token }}"}
            """);
        Assert.Equal(new HfTokenizerConfig("<s>", "</s>", true, "{{ bos_token }}"), config);
    }

    [Fact]
    public void AbsentAndNullFieldsAreNullAndAddBosDefaultsToFalse()
    {
        Assert.Equal(new HfTokenizerConfig(null, "<|im_end|>", false, null), Load("""{"bos_token": null, "eos_token": "<|im_end|>"}"""));
        Assert.Equal(HfTokenizerConfig.None, Load("{}"));
    }

    [Fact]
    public void AMissingFileIsNone() =>
        Assert.Equal(HfTokenizerConfig.None, HfTokenizerConfig.Load(Path.Combine(_folder, "tokenizer_config.json")));

    [Fact]
    public void ANamedTemplateListUsesDefaultElseTheFirst()
    {
        Assert.Equal("plain", Load("""
            {"chat_template": [{"name": "tool_use", "template": "tools"}, {"name": "default", "template": "plain"}]}
            """).ChatTemplate);
        Assert.Equal("tools", Load("""
            {"chat_template": [{"name": "tool_use", "template": "tools"}, {"name": "rag", "template": "rag"}]}
            """).ChatTemplate);
    }

    [Fact]
    public void ATemplateFileBesideStandsInForAnAbsentField()
    {
        File.WriteAllText(Path.Combine(_folder, "chat_template.jinja"), "<|im_start|>");
        Assert.Equal("<|im_start|>", Load("""{"eos_token": "<|im_end|>"}""").ChatTemplate);
        Assert.Equal("inline", Load("""{"chat_template": "inline"}""").ChatTemplate);
    }

    [Theory]
    [InlineData("""{"eos_token": 7}""", "eos_token")]
    [InlineData("""{"bos_token": {"id": 1}}""", "bos_token")]
    [InlineData("""{"add_bos_token": "yes"}""", "add_bos_token")]
    [InlineData("""{"chat_template": 3}""", "chat_template")]
    [InlineData("""{"chat_template": [{"name": "default"}]}""", "chat_template")]
    public void AMisshapenFieldIsNamed(string json, string field)
    {
        var error = Assert.Throws<InvalidDataException>(() => Load(json));
        Assert.Contains(Path.Combine(_folder, "tokenizer_config.json"), error.Message);
        Assert.Contains($"\"{field}\"", error.Message);
    }

    [Fact]
    public void MalformedJsonNamesThePath()
    {
        var error = Assert.Throws<InvalidDataException>(() => Load("""{"eos_token": """));
        Assert.Contains(Path.Combine(_folder, "tokenizer_config.json"), error.Message);
    }

    private HfTokenizerConfig Load(string json)
    {
        string path = Path.Combine(_folder, "tokenizer_config.json");
        File.WriteAllText(path, json);
        return HfTokenizerConfig.Load(path);
    }
}
