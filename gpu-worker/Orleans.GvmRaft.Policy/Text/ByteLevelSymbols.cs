using System.Text;

namespace Orleans.GvmRaft.Policy.Text;

/// <summary>
/// GPT-2's byte-to-character map, the alphabet byte-level BPE vocabularies (GPT-2, Qwen2, Llama 3)
/// are written in: printable bytes stand for themselves and the others move to U+0100 onwards, so
/// that no token of a <c>tokenizer.json</c> holds whitespace or a control character (a space is
/// <c>Ġ</c>, a newline <c>Ċ</c>).
/// </summary>
public static class ByteLevelSymbols
{
    private static readonly char[] Symbols = BuildSymbols();

    /// <summary>
    /// The 256 bytes in the order byte-level vocabularies number them: the printable ones
    /// ascending, then the rest ascending.
    /// </summary>
    public static IReadOnlyList<byte> Order { get; } =
        [.. Enumerable.Range(0, 256).OrderBy(b => Printable(b) ? 0 : 1).ThenBy(b => b).Select(b => (byte)b)];

    /// <summary>The character that stands for <paramref name="value"/>.</summary>
    public static char Of(byte value) => Symbols[value];

    /// <summary><paramref name="text"/>'s UTF-8 bytes, each as its character: how a vocabulary spells the text.</summary>
    public static string Encode(string text) => new([.. Encoding.UTF8.GetBytes(text).Select(b => Symbols[b])]);

    // The bytes GPT-2 considered printable: '!'..'~', '¡'..'¬' and '®'..'ÿ'.
    private static bool Printable(int b) => b is (>= '!' and <= '~') or (>= 0xA1 and <= 0xAC) or (>= 0xAE and <= 0xFF);

    private static char[] BuildSymbols()
    {
        var symbols = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            symbols[b] = Printable(b) ? (char)b : (char)next++;
        }

        return symbols;
    }
}
