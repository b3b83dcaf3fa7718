namespace Orleans.GvmRaft.Policy.Text;

/// <summary>
/// One id per character of a fixed alphabet, after three specials (pad 0, bos 1, eos 2): small
/// vocabularies for synthetic tasks, where every digit must be its own token.
/// </summary>
public sealed class CharTokenizer : ITextTokenizer
{
    /// <summary>Padding.</summary>
    public const int PadId = 0;

    /// <summary>Beginning of sequence.</summary>
    public const int BosId = 1;

    /// <summary>End of sequence.</summary>
    public const int EndId = 2;

    private const int Specials = 3;

    private readonly string _alphabet;
    private readonly Dictionary<char, int> _ids;

    /// <summary>Creates a tokenizer over <paramref name="alphabet"/> (distinct characters).</summary>
    public CharTokenizer(string alphabet)
    {
        _alphabet = alphabet;
        _ids = new Dictionary<char, int>();
        for (int i = 0; i < alphabet.Length; i++)
        {
            if (!_ids.TryAdd(alphabet[i], Specials + i))
            {
                throw new ArgumentException($"character '{alphabet[i]}' appears twice in the alphabet.");
            }
        }
    }

    /// <summary>Digits, arithmetic and the few letters the arithmetic preset writes.</summary>
    public static CharTokenizer Arithmetic { get; } = new("0123456789+-*=?:;. ");

    /// <summary>The characters, in id order from 3.</summary>
    public string Alphabet => _alphabet;

    /// <inheritdoc />
    public int VocabSize => Specials + _alphabet.Length;

    /// <inheritdoc />
    int? ITextTokenizer.BosId => BosId;

    /// <inheritdoc />
    public int? EosId => EndId;

    /// <inheritdoc />
    public int[] Encode(string text)
    {
        var ids = new int[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            ids[i] = _ids.TryGetValue(text[i], out int id)
                ? id
                : throw new ArgumentException($"character '{text[i]}' at {i} is not in the tokenizer's alphabet.");
        }

        return ids;
    }

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids) =>
        new([.. ids.Where(id => id >= Specials && id < VocabSize).Select(id => _alphabet[id - Specials])]);
}
