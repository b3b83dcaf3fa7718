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

    // For a ByteLevel pre-tokenizer with use_regex false and no Split: the whole text is one piece.
    private const string WholeText = @"[\s\S]+";

    private readonly BpeTokenizer _tokenizer;
    private readonly HashSet<int> _special;

    private HfBpeTokenizer(BpeTokenizer tokenizer, int vocabSize, IReadOnlyDictionary<string, int> special, int? eosId, int? bosId)
    {
        _tokenizer = tokenizer;
        VocabSize = vocabSize;
        _special = [.. special.Values];
        EosId = eosId;
        BosId = bosId;
    }

    /// <inheritdoc />
    public int VocabSize { get; }

    /// <inheritdoc />
    public int? EosId { get; }

    /// <inheritdoc />
    /// <remarks>
    /// Only when <see cref="Load"/> was given a beginning-of-sequence token: chat-formatted prompts
    /// start with their own markers, and a model's <c>tokenizer_config.json</c> says whether it wants one.
    /// </remarks>
    public int? BosId { get; }

    /// <summary>
    /// Loads <paramref name="path"/>; <paramref name="eosToken"/> names the end-of-sequence token and
    /// <paramref name="bosToken"/> the one put before every prompt. Each may be an added token or a
    /// plain vocabulary entry.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a BPE <c>tokenizer.json</c>, or a named token is not in it.</exception>
    public static HfBpeTokenizer Load(string path, string? eosToken = null, string? bosToken = null)
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
            PreTokenizer = new RegexPreTokenizer(new Regex(SplitPattern(json["pre_tokenizer"]), RegexOptions.Compiled), special),
        });
        int vocabSize = Math.Max(vocabulary.Max(kv => kv.Value), special.Count == 0 ? 0 : special.Values.Max()) + 1;
        var entries = vocabulary.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        int? TokenId(string? token) => token is null ? null
            : special.TryGetValue(token, out int id) || entries.TryGetValue(token, out id) ? id
            : throw new InvalidDataException($"{path}: no token '{token}'.");
        return new HfBpeTokenizer(tokenizer, vocabSize, special, TokenId(eosToken), TokenId(bosToken));
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">
    /// The vocabulary cannot spell a character of <paramref name="text"/> (a byte with no token of its
    /// own); the message names the character and its index.
    /// </exception>
    public int[] Encode(string text)
    {
        var ids = _tokenizer.EncodeToIds(text);

        // The BPE silently drops what its vocabulary lacks. Byte-level encoding is otherwise lossless,
        // so decoding the ids back, special tokens included, gives the text exactly unless something
        // was dropped, and where the two part is the first character that was.
        string decoded = _tokenizer.Decode(ids, considerSpecialTokens: true);
        if (decoded != text)
        {
            throw Unrepresentable(text, decoded);
        }

        return [.. ids];
    }

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids) => _tokenizer.Decode(ids.Where(id => !_special.Contains(id)));

    private static ArgumentException Unrepresentable(string text, string decoded)
    {
        int i = 0;
        while (i < text.Length && i < decoded.Length && text[i] == decoded[i])
        {
            i++;
        }

        if (i == text.Length)
        {
            return new ArgumentException($"text of {text.Length} characters does not survive encoding: it decodes with more.");
        }

        // A lone surrogate, which UTF-8 cannot carry, is named by its own code unit.
        bool pair = char.IsSurrogatePair(text, i);
        string character = pair ? text.Substring(i, 2) : text[i].ToString();
        int codePoint = pair ? char.ConvertToUtf32(text[i], text[i + 1]) : text[i];
        return new ArgumentException(
            $"character '{character}' (U+{codePoint:X4}) at {i} cannot be encoded: the vocabulary has no token for its bytes.");
    }

    // The pre-tokenizer's split pattern: a Split step's, else a ByteLevel step's own (GPT-2's),
    // unless its use_regex is false, when nothing splits the text (special tokens are still cut
    // out). Anything else, and a file without a pre-tokenizer, is split like GPT-2.
    private static string SplitPattern(JsonNode? preTokenizer) => FindPattern(preTokenizer) ?? Gpt2Pattern;

    private static string? FindPattern(JsonNode? preTokenizer)
    {
        switch (preTokenizer?["type"]?.GetValue<string>())
        {
            case "Split":
                return preTokenizer["pattern"]?["Regex"]?.GetValue<string>();
            case "ByteLevel":
                return preTokenizer["use_regex"]?.GetValue<bool>() == false ? WholeText : Gpt2Pattern;
            case "Sequence":
                // A ByteLevel step that does not split yields to a Split step beside it (Qwen2, Llama 3).
                var found = (preTokenizer["pretokenizers"]?.AsArray() ?? []).Select(FindPattern).Where(p => p is not null).ToList();
                return found.FirstOrDefault(p => p != WholeText) ?? found.FirstOrDefault();
            default:
                return null;
        }
    }
}
