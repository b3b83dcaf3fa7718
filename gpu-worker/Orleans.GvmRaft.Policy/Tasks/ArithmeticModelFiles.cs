using System.Text.Json.Nodes;
using Orleans.GvmRaft.Policy.Text;

namespace Orleans.GvmRaft.Policy.Tasks;

/// <summary>
/// The tokenizer files of an exported arithmetic model: its character tokenizer written as a
/// Hugging Face byte-level BPE with no merges, so every character is one token with the same id
/// as in <see cref="CharTokenizer"/>.
/// </summary>
internal static class ArithmeticModelFiles
{
    private const string Pad = "<pad>";
    private const string Bos = "<s>";
    private const string Eos = "</s>";

    /// <summary><c>tokenizer.json</c>: vocabulary, added special tokens, byte-level steps and the BOS template.</summary>
    public static JsonObject Tokenizer(CharTokenizer tokenizer)
    {
        // The specials are vocabulary entries as well as added tokens: Hugging Face gives an added
        // token its vocabulary id when it has one, and would otherwise number it after the vocabulary.
        var vocab = new JsonObject { [Pad] = CharTokenizer.PadId, [Bos] = CharTokenizer.BosId, [Eos] = CharTokenizer.EndId };
        for (int i = 0; i < tokenizer.Alphabet.Length; i++)
        {
            string symbol = ByteLevelSymbols.Encode(tokenizer.Alphabet[i].ToString());
            if (symbol.Length != 1)
            {
                // Without merges a character of several UTF-8 bytes would become several tokens.
                throw new InvalidOperationException($"character '{tokenizer.Alphabet[i]}' is more than one byte in UTF-8; a merge-free vocabulary cannot keep it one token.");
            }

            vocab[symbol] = tokenizer.Encode(tokenizer.Alphabet[i].ToString())[0];
        }

        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(TokenizerJson.AddedToken(CharTokenizer.PadId, Pad), TokenizerJson.AddedToken(CharTokenizer.BosId, Bos), TokenizerJson.AddedToken(CharTokenizer.EndId, Eos)),
            ["normalizer"] = null,
            ["pre_tokenizer"] = TokenizerJson.ByteLevel(trimOffsets: true),
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(SpecialPiece(Bos, 0), SequencePiece("A", 0)),
                ["pair"] = new JsonArray(SpecialPiece(Bos, 0), SequencePiece("A", 0), SpecialPiece(Bos, 1), SequencePiece("B", 1)),
                ["special_tokens"] = new JsonObject
                {
                    [Bos] = new JsonObject { ["id"] = Bos, ["ids"] = new JsonArray(CharTokenizer.BosId), ["tokens"] = new JsonArray(Bos) },
                },
            },
            ["decoder"] = TokenizerJson.ByteLevel(trimOffsets: true),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null,
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["ignore_merges"] = false,
                ["vocab"] = vocab,
                ["merges"] = new JsonArray(),
            },
        };
    }

    /// <summary><c>tokenizer_config.json</c>: which tokens frame a sequence, and that BOS starts every input.</summary>
    public static JsonObject TokenizerConfig(int maxPositions) => new()
    {
        ["bos_token"] = Bos,
        ["eos_token"] = Eos,
        ["pad_token"] = Pad,
        ["add_bos_token"] = true,
        ["model_max_length"] = maxPositions,
        ["tokenizer_class"] = "PreTrainedTokenizerFast",

        // Otherwise decoding may drop the space before '.', which this alphabet writes.
        ["clean_up_tokenization_spaces"] = false,
    };

    /// <summary><c>generation_config.json</c>: the special ids generation stops at and pads with.</summary>
    public static JsonObject GenerationConfig() => new()
    {
        ["bos_token_id"] = CharTokenizer.BosId,
        ["eos_token_id"] = CharTokenizer.EndId,
        ["pad_token_id"] = CharTokenizer.PadId,
    };

    private static JsonObject SpecialPiece(string token, int typeId) =>
        new() { ["SpecialToken"] = new JsonObject { ["id"] = token, ["type_id"] = typeId } };

    private static JsonObject SequencePiece(string sequence, int typeId) =>
        new() { ["Sequence"] = new JsonObject { ["id"] = sequence, ["type_id"] = typeId } };
}
