using System.Text.Json.Nodes;

namespace Orleans.GvmRaft.Policy.Text;

/// <summary>Pieces of a Hugging Face <c>tokenizer.json</c>, for the files this project writes.</summary>
public static class TokenizerJson
{
    /// <summary>A special added token: never split, never normalised.</summary>
    public static JsonObject AddedToken(int id, string content) => new()
    {
        ["id"] = id,
        ["content"] = content,
        ["single_word"] = false,
        ["lstrip"] = false,
        ["rstrip"] = false,
        ["normalized"] = false,
        ["special"] = true,
    };

    /// <summary>A ByteLevel step (pre-tokenizer, post-processor or decoder) that maps bytes to symbols without splitting the text.</summary>
    public static JsonObject ByteLevel(bool trimOffsets) => new()
    {
        ["type"] = "ByteLevel",
        ["add_prefix_space"] = false,
        ["trim_offsets"] = trimOffsets,
        ["use_regex"] = false,
    };
}
