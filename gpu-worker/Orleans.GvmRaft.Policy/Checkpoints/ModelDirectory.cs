using System.Text.Json.Nodes;
using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Text;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Checkpoints;

/// <summary>
/// A model directory in the Hugging Face layout, checked as a run needs it: <c>config.json</c> of a
/// supported architecture, the weights, a byte-level BPE <c>tokenizer.json</c>, and
/// <c>tokenizer_config.json</c> for the special tokens and the chat template where present.
/// </summary>
public sealed class ModelDirectory
{
    /// <summary>The files besides the weights that travel with every checkpoint of the model.</summary>
    public static readonly IReadOnlyList<string> CompanionFiles =
        ["config.json", "tokenizer.json", "tokenizer_config.json", "chat_template.jinja", "special_tokens_map.json", "generation_config.json", "vocab.json", "merges.txt"];

    private static readonly string[] SupportedTypes = ["qwen2", "llama"];

    private ModelDirectory(string folder, DecoderConfig config, HfTokenizerConfig tokenizerConfig, HfBpeTokenizer tokenizer)
    {
        Folder = folder;
        Config = config;
        TokenizerConfig = tokenizerConfig;
        Tokenizer = tokenizer;
    }

    /// <summary>The directory.</summary>
    public string Folder { get; }

    /// <summary>The decoder's shape from <c>config.json</c>.</summary>
    public DecoderConfig Config { get; }

    /// <summary>What <c>tokenizer_config.json</c> says (nothing when it is absent).</summary>
    public HfTokenizerConfig TokenizerConfig { get; }

    /// <summary>The tokenizer, with the beginning- and end-of-sequence tokens <c>tokenizer_config.json</c> names.</summary>
    public ITextTokenizer Tokenizer { get; }

    /// <summary>Checks and opens <paramref name="folder"/>.</summary>
    /// <exception cref="InvalidDataException">A file is missing or a field is unusable; the message names the file and the field.</exception>
    public static ModelDirectory Open(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new InvalidDataException($"{folder}: no such model directory.");
        }

        string configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
        {
            throw new InvalidDataException($"{configPath}: missing; a model directory needs its Hugging Face config.json.");
        }

        string? modelType = JsonNode.Parse(File.ReadAllText(configPath))?["model_type"]?.GetValue<string>();
        if (modelType is null || !SupportedTypes.Contains(modelType))
        {
            throw new InvalidDataException($"{configPath}: model_type '{modelType ?? "(none)"}' is not a supported architecture ({string.Join(", ", SupportedTypes)}).");
        }

        var config = DecoderConfig.Load(configPath);
        if (!File.Exists(Path.Combine(folder, "model.safetensors")) && !File.Exists(Path.Combine(folder, "model.safetensors.index.json")))
        {
            throw new InvalidDataException($"{folder}: no weights: neither model.safetensors nor model.safetensors.index.json.");
        }

        string tokenizerPath = Path.Combine(folder, "tokenizer.json");
        if (!File.Exists(tokenizerPath))
        {
            throw new InvalidDataException($"{tokenizerPath}: missing; a run needs the model's byte-level BPE tokenizer.json.");
        }

        var tokenizerConfig = HfTokenizerConfig.Load(Path.Combine(folder, "tokenizer_config.json"));
        // The beginning-of-sequence token comes from add_bos_token (Llama 2 style) or from the
        // tokenizer's own post-processor (Llama 3 and the exported arithmetic tokenizer).
        string? bos = tokenizerConfig.AddBosToken ? tokenizerConfig.BosToken : PostProcessorBos(tokenizerPath);
        var tokenizer = HfBpeTokenizer.Load(tokenizerPath, tokenizerConfig.EosToken, bos);
        if (tokenizer.VocabSize > config.VocabSize)
        {
            throw new InvalidDataException($"{tokenizerPath}: token ids reach {tokenizer.VocabSize - 1}, beyond config.json vocab_size {config.VocabSize}.");
        }

        return new ModelDirectory(folder, config, tokenizerConfig, tokenizer);
    }

    // The special token a TemplateProcessing post-processor puts before a single sequence, if any.
    private static string? PostProcessorBos(string tokenizerPath)
    {
        static JsonNode? Template(JsonNode? processor) => processor?["type"]?.GetValue<string>() switch
        {
            "TemplateProcessing" => processor,
            "Sequence" => (processor["processors"]?.AsArray() ?? []).Select(Template).FirstOrDefault(t => t is not null),
            _ => null,
        };

        var template = Template(JsonNode.Parse(File.ReadAllText(tokenizerPath))?["post_processor"]);
        return template?["single"]?.AsArray().FirstOrDefault()?["SpecialToken"]?["id"]?.GetValue<string>();
    }

    /// <summary>The weights on <paramref name="device"/> as <paramref name="dtype"/>.</summary>
    public Decoder Load(Device? device = null, ScalarType dtype = ScalarType.Float32) => HfCheckpoint.Load(Folder, device, dtype);

    /// <summary>
    /// How prompts are shown to the model: <c>raw</c>, or <c>chat</c> through the chat template of
    /// <c>tokenizer_config.json</c> with <paramref name="systemPrompt"/> as the system turn.
    /// </summary>
    /// <exception cref="InvalidDataException">Chat was asked for and the template is missing or one that cannot be rendered.</exception>
    public PromptFormatter Formatter(string format, string? systemPrompt) => format switch
    {
        "raw" => new PromptFormatter(null, null),
        "chat" => new PromptFormatter(ChatTemplate.Recognize(TokenizerConfig.ChatTemplate, Path.Combine(Folder, "tokenizer_config.json") + ": chat_template"), systemPrompt),
        _ => throw new ArgumentException($"unknown prompt format '{format}' (expected raw or chat)."),
    };

    /// <summary>
    /// The ids that end a response: each of <paramref name="stopTokens"/> (each must be one token),
    /// the chat template's end of turn when prompts are chat-formatted, and the model's configured
    /// end-of-sequence ids.
    /// </summary>
    /// <exception cref="InvalidDataException">A stop token is not a single token of the vocabulary.</exception>
    public int[] StopIds(IEnumerable<string> stopTokens, PromptFormatter formatter)
    {
        ArgumentNullException.ThrowIfNull(stopTokens);
        ArgumentNullException.ThrowIfNull(formatter);
        var ids = new List<int>(Config.EosTokenIds);
        var tokens = stopTokens.ToList();
        if (formatter.Style is { } style)
        {
            tokens.Add(ChatTemplate.EndOfTurn(style));
        }

        foreach (string token in tokens)
        {
            int[] encoded = Tokenizer.Encode(token);
            if (encoded.Length != 1)
            {
                throw new InvalidDataException($"{Path.Combine(Folder, "tokenizer.json")}: stop token '{token}' is {encoded.Length} tokens, not one.");
            }

            ids.Add(encoded[0]);
        }

        if (Tokenizer.EosId is int eos)
        {
            ids.Add(eos);
        }

        return [.. ids.Distinct()];
    }

    /// <summary>Copies the companion files present here (config, tokenizer) into <paramref name="destination"/>.</summary>
    public void CopyCompanionFiles(string destination)
    {
        foreach (string name in CompanionFiles)
        {
            string source = Path.Combine(Folder, name);
            if (File.Exists(source))
            {
                File.Copy(source, Path.Combine(destination, name), overwrite: true);
            }
        }
    }
}
