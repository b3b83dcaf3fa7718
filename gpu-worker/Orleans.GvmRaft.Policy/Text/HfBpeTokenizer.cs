using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Orleans.GvmRaft.Policy.Text;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> byte-level BPE (GPT-2, Qwen2, Llama 3) run by
/// Microsoft.ML.Tokenizers: vocabulary, merges, added tokens and the pre-tokenizer's split pattern
/// are read from the file.
/// </summary>
public sealed class HfBpeTokenizer : ITextTokenizer
{
    // GPT-2's pattern, for files whose ByteLevel pre-tokenizer carries no Split of its own.
    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly BpeTokenizer _tokenizer;
    private readonly HashSet<int> _special;

    private HfBpeTokenizer(BpeTokenizer tokenizer, int vocabSize, IReadOnlyDictionary<string, int> special, int? eosId)
    {
        _tokenizer = tokenizer;
        VocabSize = vocabSize;
        _special = [.. special.Values];
        EosId = eosId;
    }

    /// <inheritdoc />
    public int VocabSize { get; }

    /// <inheritdoc />
    public int? EosId { get; }

    /// <inheritdoc />
    /// <remarks>Chat-formatted prompts start with their own markers; nothing is prepended.</remarks>
    public int? BosId => null;

    /// <summary>Loads <paramref name="path"/>; <paramref name="eosToken"/> names the end-of-sequence token.</summary>
    public static HfBpeTokenizer Load(string path, string? eosToken = null)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException($"{path}: not a JSON object.");
        var model = json["model"]?.AsObject() ?? throw new InvalidDataException($"{path}: no \"model\".");
        if (model["type"]?.GetValue<string>() is { } type && type != "BPE")
        {
            throw new InvalidDataException($"{path}: model type {type} is not BPE.");
        }

        var vocabulary = model["vocab"]!.AsObject().Select(kv => new KeyValuePair<string, int>(kv.Key, kv.Value!.GetValue<int>())).ToList();
        var merges = model["merges"]!.AsArray().Select(m => m is JsonArray pair
            ? $"{pair[0]!.GetValue<string>()} {pair[1]!.GetValue<string>()}"
            : m!.GetValue<string>()).ToList();
        var special = (json["added_tokens"]?.AsArray() ?? [])
            .Select(t => t!.AsObject())
            .ToDictionary(t => t["content"]!.GetValue<string>(), t => t["id"]!.GetValue<int>());
        var tokenizer = BpeTokenizer.Create(new BpeOptions(vocabulary)
        {
            Merges = merges,
            SpecialTokens = special,
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(new Regex(SplitPattern(json["pre_tokenizer"]) ?? Gpt2Pattern, RegexOptions.Compiled), special),
        });
        int vocabSize = Math.Max(vocabulary.Max(kv => kv.Value), special.Count == 0 ? 0 : special.Values.Max()) + 1;
        int? eos = eosToken is null ? null
            : special.TryGetValue(eosToken, out int id) ? id
            : throw new InvalidDataException($"{path}: no token '{eosToken}'.");
        return new HfBpeTokenizer(tokenizer, vocabSize, special, eos);
    }

    /// <inheritdoc />
    public int[] Encode(string text) => [.. _tokenizer.EncodeToIds(text)];

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids) => _tokenizer.Decode(ids.Where(id => !_special.Contains(id)));

    private static string? SplitPattern(JsonNode? preTokenizer)
    {
        if (preTokenizer is null)
        {
            return null;
        }

        if (preTokenizer["type"]?.GetValue<string>() == "Split")
        {
            return preTokenizer["pattern"]?["Regex"]?.GetValue<string>();
        }

        return (preTokenizer["pretokenizers"]?.AsArray() ?? []).Select(SplitPattern).FirstOrDefault(p => p is not null);
    }
}
