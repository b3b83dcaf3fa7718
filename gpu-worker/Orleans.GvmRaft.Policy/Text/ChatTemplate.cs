namespace Orleans.GvmRaft.Policy.Text;

/// <summary>
/// Generation prompts in the layout a model's chat template asks for. Rather than running Jinja,
/// the template is recognised as one of the known layouts (<see cref="ChatStyle"/>) and that
/// layout is written directly, exactly as the template renders a system turn, a user turn and
/// <c>add_generation_prompt=True</c>.
/// </summary>
public static class ChatTemplate
{
    /// <summary>
    /// The layout of <paramref name="template"/>: ChatML if it writes <c>&lt;|im_start|&gt;</c>, Llama 3 if it
    /// writes <c>&lt;|start_header_id|&gt;</c>.
    /// </summary>
    /// <param name="template">The <c>chat_template</c> text.</param>
    /// <param name="source">Where the template came from, for the error message.</param>
    /// <exception cref="InvalidDataException">There is no template, or it is neither layout.</exception>
    public static ChatStyle Recognize(string? template, string source)
    {
        if (!string.IsNullOrEmpty(template))
        {
            if (template.Contains("<|im_start|>", StringComparison.Ordinal))
            {
                return ChatStyle.ChatMl;
            }

            if (template.Contains("<|start_header_id|>", StringComparison.Ordinal))
            {
                return ChatStyle.Llama3;
            }
        }

        throw new InvalidDataException(
            $"{source}: chat_template cannot be rendered: only ChatML (<|im_start|> … <|im_end|>) and Llama 3 (<|start_header_id|> … <|eot_id|>) templates are supported");
    }

    /// <summary>
    /// An optional system turn, the user turn and the opened assistant turn, in <paramref name="style"/>.
    /// A null <paramref name="systemPrompt"/> leaves the system turn out; an empty one is an empty
    /// system turn, as the templates render an empty system message.
    /// </summary>
    /// <remarks>
    /// Llama 3's template starts with <c>&lt;|begin_of_text|&gt;</c> (its <c>bos_token</c>); it is not
    /// written here, because the tokenizer puts the beginning-of-sequence id before every prompt
    /// when the model's <c>tokenizer_config.json</c> asks for it, and writing it here as well would
    /// double it. Llama 3's template also trims each message, so this does too.
    /// </remarks>
    public static string Render(ChatStyle style, string? systemPrompt, string user) => style switch
    {
        ChatStyle.ChatMl => (systemPrompt is null ? "" : $"<|im_start|>system\n{systemPrompt}<|im_end|>\n")
            + $"<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n",
        ChatStyle.Llama3 => (systemPrompt is null ? "" : Llama3Turn("system", systemPrompt))
            + Llama3Turn("user", user)
            + "<|start_header_id|>assistant<|end_header_id|>\n\n",
        _ => throw new ArgumentOutOfRangeException(nameof(style), style, "unknown chat style."),
    };

    /// <summary>The token that closes a turn in <paramref name="style"/>, and so ends a generated answer.</summary>
    public static string EndOfTurn(ChatStyle style) => style switch
    {
        ChatStyle.ChatMl => "<|im_end|>",
        ChatStyle.Llama3 => "<|eot_id|>",
        _ => throw new ArgumentOutOfRangeException(nameof(style), style, "unknown chat style."),
    };

    private static string Llama3Turn(string role, string content) =>
        $"<|start_header_id|>{role}<|end_header_id|>\n\n{content.Trim()}<|eot_id|>";
}
