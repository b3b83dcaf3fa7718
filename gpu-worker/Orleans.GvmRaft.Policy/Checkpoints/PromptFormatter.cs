using Orleans.GvmRaft.Policy.Text;

namespace Orleans.GvmRaft.Policy.Checkpoints;

/// <summary>Turns a prompt's text into what the model reads: as is, or as a chat with a system turn.</summary>
/// <param name="Style">The chat template's style; null for raw prompts.</param>
/// <param name="SystemPrompt">The system turn of chat prompts; none when null.</param>
public sealed record PromptFormatter(ChatStyle? Style, string? SystemPrompt)
{
    /// <summary>The text the tokenizer encodes for <paramref name="prompt"/>.</summary>
    public string Format(string prompt) => Style is { } style ? ChatTemplate.Render(style, SystemPrompt, prompt) : prompt;
}
