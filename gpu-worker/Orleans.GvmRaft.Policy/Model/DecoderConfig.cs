using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orleans.GvmRaft.Policy.Model;

/// <summary>
/// The shape of a Llama/Qwen2-family decoder, read from and written to a Hugging Face
/// <c>config.json</c>.
/// </summary>
public sealed record DecoderConfig
{
    /// <summary>Tokens in the vocabulary.</summary>
    public required int VocabSize { get; init; }

    /// <summary>Model width d.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>Width of the SwiGLU feed-forward layer.</summary>
    public required int IntermediateSize { get; init; }

    /// <summary>Decoder layers.</summary>
    public required int Layers { get; init; }

    /// <summary>Query heads.</summary>
    public required int Heads { get; init; }

    /// <summary>Key/value heads (grouped-query attention when fewer than <see cref="Heads"/>).</summary>
    public required int KeyValueHeads { get; init; }

    /// <summary>Width of one head; hidden / heads unless the config says otherwise.</summary>
    public required int HeadDim { get; init; }

    /// <summary>RMSNorm epsilon.</summary>
    public double RmsNormEps { get; init; } = 1e-6;

    /// <summary>Rotary base θ.</summary>
    public double RopeTheta { get; init; } = 10000;

    /// <summary>Long-context rescaling of the rotary frequencies.</summary>
    public RopeScaling RopeScaling { get; init; } = RopeScaling.None;

    /// <summary>Whether the output projection is the input embedding.</summary>
    public bool TieWordEmbeddings { get; init; }

    /// <summary>Whether q, k and v projections have a bias (always for Qwen2; <c>attention_bias</c> for Llama).</summary>
    public bool AttentionBias { get; init; }

    /// <summary>Longest sequence the position encoding is meant for.</summary>
    public int MaxPositions { get; init; } = 2048;

    /// <summary><c>qwen2</c> or <c>llama</c>; kept for saving.</summary>
    public string ModelType { get; init; } = "qwen2";

    /// <summary>End-of-sequence token ids, if any.</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent setting.</summary>
    public void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException($"model config: {message}");
            }
        }

        Require(VocabSize > 0, $"vocab_size must be > 0 (got {VocabSize}).");
        Require(HiddenSize > 0, $"hidden_size must be > 0 (got {HiddenSize}).");
        Require(IntermediateSize > 0, $"intermediate_size must be > 0 (got {IntermediateSize}).");
        Require(Layers > 0, $"num_hidden_layers must be > 0 (got {Layers}).");
        Require(Heads > 0 && KeyValueHeads > 0 && Heads % KeyValueHeads == 0,
            $"num_attention_heads ({Heads}) must be a positive multiple of num_key_value_heads ({KeyValueHeads}).");
        Require(HeadDim > 0 && HeadDim % 2 == 0, $"head_dim must be positive and even (got {HeadDim}).");
        Require(RmsNormEps > 0, $"rms_norm_eps must be > 0 (got {RmsNormEps}).");
        Require(RopeTheta > 0, $"rope_theta must be > 0 (got {RopeTheta}).");
    }

    /// <summary>Reads a Hugging Face <c>config.json</c>; <c>rope_theta</c> may sit at the top level or under <c>rope_parameters</c>.</summary>
    public static DecoderConfig Load(string path)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))?.AsObject()
            ?? throw new InvalidDataException($"{path}: not a JSON object.");
        string modelType = json["model_type"]?.GetValue<string>() ?? "llama";
        int hidden = Int(json, "hidden_size", path);
        int heads = Int(json, "num_attention_heads", path);
        double theta = json["rope_theta"]?.GetValue<double>()
            ?? json["rope_parameters"]?["rope_theta"]?.GetValue<double>()
            ?? 10000;
        var config = new DecoderConfig
        {
            VocabSize = Int(json, "vocab_size", path),
            HiddenSize = hidden,
            IntermediateSize = Int(json, "intermediate_size", path),
            Layers = Int(json, "num_hidden_layers", path),
            Heads = heads,
            KeyValueHeads = json["num_key_value_heads"]?.GetValue<int>() ?? heads,
            HeadDim = json["head_dim"]?.GetValue<int?>() ?? (hidden / heads),
            RmsNormEps = json["rms_norm_eps"]?.GetValue<double>() ?? 1e-6,
            RopeTheta = theta,
            RopeScaling = ReadRopeScaling(json["rope_scaling"] ?? json["rope_parameters"]),
            TieWordEmbeddings = json["tie_word_embeddings"]?.GetValue<bool>() ?? false,
            AttentionBias = modelType == "qwen2" || (json["attention_bias"]?.GetValue<bool>() ?? false),
            MaxPositions = json["max_position_embeddings"]?.GetValue<int>() ?? 2048,
            ModelType = modelType,
            EosTokenIds = EosIds(json["eos_token_id"]),
        };
        config.Validate();
        return config;
    }

    /// <summary>Writes this configuration as a Hugging Face <c>config.json</c>.</summary>
    public void Save(string path)
    {
        var json = new JsonObject
        {
            ["architectures"] = new JsonArray(ModelType == "qwen2" ? "Qwen2ForCausalLM" : "LlamaForCausalLM"),
            ["model_type"] = ModelType,
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = Layers,
            ["num_attention_heads"] = Heads,
            ["num_key_value_heads"] = KeyValueHeads,
            ["head_dim"] = HeadDim,
            ["rms_norm_eps"] = RmsNormEps,
            ["rope_theta"] = RopeTheta,
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["attention_bias"] = AttentionBias,
            ["max_position_embeddings"] = MaxPositions,
            ["hidden_act"] = "silu",
            ["torch_dtype"] = "float32",
        };
        if (RopeScaling.Type != "default")
        {
            json["rope_scaling"] = new JsonObject
            {
                ["rope_type"] = RopeScaling.Type,
                ["factor"] = RopeScaling.Factor,
                ["low_freq_factor"] = RopeScaling.LowFreqFactor,
                ["high_freq_factor"] = RopeScaling.HighFreqFactor,
                ["original_max_position_embeddings"] = RopeScaling.OriginalMaxPositions,
            };
        }

        if (EosTokenIds.Count > 0)
        {
            json["eos_token_id"] = EosTokenIds.Count == 1 ? EosTokenIds[0] : new JsonArray([.. EosTokenIds.Select(id => (JsonNode?)id)]);
        }

        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static RopeScaling ReadRopeScaling(JsonNode? node)
    {
        if (node is not JsonObject scaling)
        {
            return RopeScaling.None;
        }

        string type = (scaling["rope_type"] ?? scaling["type"])?.GetValue<string>() ?? "default";
        double Get(string name, double fallback) => scaling[name]?.GetValue<double>() ?? fallback;
        var result = new RopeScaling(
            type,
            Get("factor", 1),
            Get("low_freq_factor", 1),
            Get("high_freq_factor", 4),
            Get("original_max_position_embeddings", 8192));
        result.Apply([1.0]); // an unsupported type fails here, naming itself, not at the first forward pass
        return result;
    }

    private static int Int(JsonObject json, string name, string path) =>
        json[name]?.GetValue<int>() ?? throw new InvalidDataException($"{path}: \"{name}\" is missing.");

    private static IReadOnlyList<int> EosIds(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => [.. array.Select(n => n!.GetValue<int>())],
        _ => [node.GetValue<int>()],
    };
}
