using Orleans.GvmRaft.Policy.Model;

namespace Orleans.GvmRaft.Embedded.Bench;

/// <summary>Named decoder shapes the generation benchmark can build with random weights.</summary>
public static class DecoderShapes
{
    /// <summary>The names <see cref="Named"/> knows.</summary>
    public static IReadOnlyList<string> Names { get; } = ["tiny", "qwen2.5-0.5b"];

    /// <summary>
    /// The shape of the reference fixtures' <c>qwen2-tiny</c> (vocab 512, hidden 64, 2 layers, 4
    /// heads, 2 KV heads, untied output): seconds on a CPU, for checking the benchmark itself.
    /// </summary>
    public static DecoderConfig Tiny { get; } = new()
    {
        VocabSize = 512,
        HiddenSize = 64,
        IntermediateSize = 176,
        Layers = 2,
        Heads = 4,
        KeyValueHeads = 2,
        HeadDim = 16,
        RopeTheta = 10000,
        TieWordEmbeddings = false,
        AttentionBias = true,
        MaxPositions = 2048,
        ModelType = "qwen2",
    };

    /// <summary>Qwen2.5-0.5B's <c>config.json</c>: about 494 million parameters with the embedding tied.</summary>
    public static DecoderConfig Qwen25HalfB { get; } = new()
    {
        VocabSize = 151936,
        HiddenSize = 896,
        IntermediateSize = 4864,
        Layers = 24,
        Heads = 14,
        KeyValueHeads = 2,
        HeadDim = 64,
        RmsNormEps = 1e-6,
        RopeTheta = 1_000_000,
        TieWordEmbeddings = true,
        AttentionBias = true,
        MaxPositions = 32768,
        ModelType = "qwen2",
    };

    /// <summary>The shape called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static DecoderConfig Named(string name) => name switch
    {
        "tiny" => Tiny,
        "qwen2.5-0.5b" => Qwen25HalfB,
        _ => throw new ArgumentException($"unknown shape '{name}' (expected {string.Join(" or ", Names)}, or --config PATH)."),
    };
}
