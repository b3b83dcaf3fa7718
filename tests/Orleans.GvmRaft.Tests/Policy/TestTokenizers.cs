using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orleans.GvmRaft.Policy.Text;

namespace Orleans.GvmRaft.Tests.Policy;

/// <summary>
/// Real byte-level BPE tokenizer files, Qwen2-style, for the reference fixtures, which ship none:
/// with them a fixture folder loads like a model folder from the hub.
/// </summary>
public static class TestTokenizers
{
    /// <summary>Qwen2's pre-tokenizer split: every digit alone, words with one leading non-letter, newlines kept together.</summary>
    public const string Qwen2Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>The classic ChatML template: each message as a turn, then an opened assistant turn when asked.</summary>
    public const string ChatMlTemplate =
        @"{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}{% endfor %}"
        + @"{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    /// <summary>The added special tokens, which take the last three ids.</summary>
    public static IReadOnlyList<string> Specials { get; } = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];

    // Text the merges are learnt from: the kind of prompts and answers the tests use.
    private const string Corpus = """
        Please reason step by step, and put your final answer within \boxed{}.
        The sum of the numbers is the answer. What is 12 + 7? The answer is 19, so the final answer is \boxed{19}.
        Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.
        How many clips did Natalia sell altogether in April and May? She sold 48 / 2 = 24 clips in May.
        Then she sold 48 + 24 = 72 clips in total. The answer is 72. Let us think about the problem:
        there are three apples and four oranges in the basket, and the total number of fruits is seven.
        """;

    /// <summary>
    /// Writes <c>tokenizer.json</c> and <c>tokenizer_config.json</c> to <paramref name="folder"/>: ids
    /// 0–255 the byte symbols in GPT-2's order, merges learnt greedily from a small corpus (topped up
    /// with space-letter and letter-letter pairs) up to <paramref name="vocabSize"/> − 3, and the three
    /// <see cref="Specials"/> last; eos <c>&lt;|im_end|&gt;</c>, no BOS, and a ChatML template.
    /// </summary>
    public static void WriteByteLevel(string folder, int vocabSize)
    {
        int mergeCount = vocabSize - Specials.Count - 256;
        Assert.True(mergeCount >= 0, $"a byte-level vocabulary needs at least {256 + Specials.Count} ids.");
        var merges = LearnMerges(mergeCount);
        var vocab = new JsonObject();
        foreach (byte b in ByteLevelSymbols.Order)
        {
            vocab[ByteLevelSymbols.Of(b).ToString()] = vocab.Count;
        }

        foreach (var (left, right) in merges)
        {
            vocab[left + right] = vocab.Count;
        }

        var added = new JsonArray();
        var addedDecoder = new JsonObject();
        for (int i = 0; i < Specials.Count; i++)
        {
            int id = vocabSize - Specials.Count + i;
            added.Add(TokenizerJson.AddedToken(id, Specials[i]));
            var entry = TokenizerJson.AddedToken(id, Specials[i]);
            entry.Remove("id");
            addedDecoder[id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = entry;
        }

        var tokenizer = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,

            // Qwen2's file has NFC here; the loader does not normalise, and every test text is already NFC.
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject
                    {
                        ["type"] = "Split",
                        ["pattern"] = new JsonObject { ["Regex"] = Qwen2Pattern },
                        ["behavior"] = "Isolated",
                        ["invert"] = false,
                    },
                    TokenizerJson.ByteLevel(trimOffsets: false)),
            },
            ["post_processor"] = TokenizerJson.ByteLevel(trimOffsets: false),
            ["decoder"] = TokenizerJson.ByteLevel(trimOffsets: false),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = "",
                ["end_of_word_suffix"] = "",
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["ignore_merges"] = false,
                ["vocab"] = vocab,
                ["merges"] = new JsonArray([.. merges.Select(m => (JsonNode?)$"{m.Left} {m.Right}")]),
            },
        };
        var config = new JsonObject
        {
            ["add_bos_token"] = false,
            ["add_prefix_space"] = false,
            ["added_tokens_decoder"] = addedDecoder,
            ["bos_token"] = null,
            ["chat_template"] = ChatMlTemplate,
            ["clean_up_tokenization_spaces"] = false,
            ["eos_token"] = "<|im_end|>",
            ["errors"] = "replace",
            ["model_max_length"] = 32768,
            ["pad_token"] = "<|endoftext|>",
            ["split_special_tokens"] = false,
            ["tokenizer_class"] = "Qwen2Tokenizer",
            ["unk_token"] = null,
        };
        Directory.CreateDirectory(folder);
        var options = new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), tokenizer.ToJsonString(options));
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), config.ToJsonString(options));
    }

    /// <summary>
    /// Copies the <c>qwen2-tiny</c> reference checkpoint (config, weights, generation config) to
    /// <paramref name="destination"/> and writes a tokenizer for its vocabulary there: a complete model folder.
    /// </summary>
    public static string CopyQwen2Tiny(string destination)
    {
        string source = ReferenceFixtures.Folder("qwen2-tiny");
        Directory.CreateDirectory(destination);
        foreach (string file in new[] { "config.json", "model.safetensors", "generation_config.json" })
        {
            string target = Path.Combine(destination, file);
            File.Copy(Path.Combine(source, file), target, overwrite: true);

            // A checkout may be read-only (CI's copy of the fixtures is), and a copy keeps that; tests may write over it.
            File.SetAttributes(target, FileAttributes.Normal);
        }

        var vocabSize = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "config.json")))!["vocab_size"]!.GetValue<int>();
        WriteByteLevel(destination, vocabSize);
        return destination;
    }

    // Greedy BPE training: merge the most frequent adjacent pair within the corpus's pre-tokenized
    // pieces, again and again. Ties go to the ordinally first pair, so the files are the same each run.
    private static List<(string Left, string Right)> LearnMerges(int count)
    {
        var words = Regex.Matches(Corpus.ReplaceLineEndings("\n"), Qwen2Pattern)
            .GroupBy(m => m.Value)
            .Select(g => (Symbols: ByteLevelSymbols.Encode(g.Key).Select(c => c.ToString()).ToList(), Count: g.Count()))
            .ToList();
        var tokens = new HashSet<string>(ByteLevelSymbols.Order.Select(b => ByteLevelSymbols.Of(b).ToString()), StringComparer.Ordinal);
        var merges = new List<(string Left, string Right)>();
        while (merges.Count < count)
        {
            var pairs = new Dictionary<(string, string), int>();
            foreach (var (symbols, frequency) in words)
            {
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    pairs[(symbols[i], symbols[i + 1])] = pairs.GetValueOrDefault((symbols[i], symbols[i + 1])) + frequency;
                }
            }

            // A pair spelling a token that already exists would give one token two ids; skip it.
            var best = pairs
                .Where(p => p.Value >= 2 && !tokens.Contains(p.Key.Item1 + p.Key.Item2))
                .OrderByDescending(p => p.Value)
                .ThenBy(p => p.Key.Item1, StringComparer.Ordinal)
                .ThenBy(p => p.Key.Item2, StringComparer.Ordinal)
                .Select(p => ((string, string)?)p.Key)
                .FirstOrDefault();
            if (best is not { } pair)
            {
                break;
            }

            var (left, right) = pair;
            merges.Add((left, right));
            tokens.Add(left + right);
            foreach (var (symbols, _) in words)
            {
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    if (symbols[i] == left && symbols[i + 1] == right)
                    {
                        symbols[i] = left + right;
                        symbols.RemoveAt(i + 1);
                    }
                }
            }
        }

        // The corpus is small: top up with pairs a real vocabulary would also have.
        const string letters = "abcdefghijklmnopqrstuvwxyz";
        var fillers = letters.Select(c => ("Ġ", c.ToString()))
            .Concat(letters.SelectMany(a => letters.Select(b => (a.ToString(), b.ToString()))));
        foreach (var (left, right) in fillers)
        {
            if (merges.Count == count)
            {
                break;
            }

            if (tokens.Add(left + right))
            {
                merges.Add((left, right));
            }
        }

        Assert.Equal(count, merges.Count);
        return merges;
    }
}
