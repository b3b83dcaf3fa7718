using System.Text.Json.Nodes;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Policy.Tasks;
using Orleans.GvmRaft.Policy.Text;

namespace Orleans.GvmRaft.Tests.Policy;

/// <summary>The arithmetic model written as a Hugging Face folder loads back as the same model and tokenizer.</summary>
[Collection(TorchCollection.Name)]
public sealed class ArithmeticExportTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"gvm-export-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void TheExportedTokenizerGivesTheCharTokenizersIds()
    {
        using var model = ArithmeticModel.Create(1);
        ArithmeticModel.Export(model, _folder);
        var tokenizer = LoadTokenizer();
        var expected = CharTokenizer.Arithmetic;

        Assert.Equal(expected.VocabSize, tokenizer.VocabSize);
        Assert.Equal(CharTokenizer.BosId, tokenizer.BosId);
        Assert.Equal(CharTokenizer.EndId, tokenizer.EosId);
        var texts = ArithmeticTask.Generate(300, seed: 5, "export")
            .SelectMany(p => new[] { p.Text, p.Answer })
            .Append(expected.Alphabet)
            .Append("12 * 3 = ?; 36: 7. ");
        foreach (string text in texts)
        {
            int[] prompt = tokenizer.PromptIds(text);
            int[] answer = tokenizer.AnswerIds(text);
            Assert.Equal(expected.PromptIds(text), prompt);
            Assert.Equal(expected.AnswerIds(text), answer);
            Assert.Equal(text, tokenizer.Decode(prompt));
            Assert.Equal(expected.Decode(answer), tokenizer.Decode(answer));
        }
    }

    [Fact]
    public void ACharacterOutsideTheAlphabetIsRefused()
    {
        using var model = ArithmeticModel.Create(1);
        ArithmeticModel.Export(model, _folder);
        var error = Assert.Throws<ArgumentException>(() => LoadTokenizer().Encode("12/4=3"));
        Assert.Contains("'/' (U+002F) at 2", error.Message);
    }

    [Fact]
    public void TheExportedFolderIsAHuggingFaceModelFolder()
    {
        using var model = ArithmeticModel.Create(1);
        ArithmeticModel.Export(model, _folder);

        using var reloaded = HfCheckpoint.Load(_folder);
        var parameters = reloaded.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(model.named_parameters().Count(), parameters.Count);
        foreach (var (name, original) in model.named_parameters())
        {
            Assert.True(parameters[name].eq(original).all().item<bool>(), name);
        }

        // The list of eos ids compares by reference in the record's equality; compare it apart.
        var expectedConfig = ArithmeticModel.Config();
        Assert.Equal(expectedConfig.EosTokenIds, reloaded.Config.EosTokenIds);
        Assert.Equal(expectedConfig, reloaded.Config with { EosTokenIds = expectedConfig.EosTokenIds });
        var generation = JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, "generation_config.json")))!;
        Assert.Equal((1, 2, 0), (generation["bos_token_id"]!.GetValue<int>(), generation["eos_token_id"]!.GetValue<int>(), generation["pad_token_id"]!.GetValue<int>()));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, "tokenizer_config.json")))!;
        Assert.Equal(64, config["model_max_length"]!.GetValue<int>());
        Assert.Equal("PreTrainedTokenizerFast", config["tokenizer_class"]!.GetValue<string>());
        var tokenizer = JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, "tokenizer.json")))!;
        Assert.Equal(21, tokenizer["model"]!["vocab"]!["Ġ"]!.GetValue<int>());
        Assert.Empty(Directory.GetFiles(_folder, "*.partial"));
    }

    // As a model folder is read: tokens from tokenizer_config.json, BOS only where it asks for one.
    private HfBpeTokenizer LoadTokenizer()
    {
        var config = HfTokenizerConfig.Load(Path.Combine(_folder, "tokenizer_config.json"));
        Assert.Equal(new HfTokenizerConfig("<s>", "</s>", true, null), config);
        return HfBpeTokenizer.Load(Path.Combine(_folder, "tokenizer.json"), config.EosToken, config.AddBosToken ? config.BosToken : null);
    }
}
