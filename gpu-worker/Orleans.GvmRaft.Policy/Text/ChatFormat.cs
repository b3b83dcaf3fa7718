namespace Orleans.GvmRaft.Policy.Text;

/// <summary>Qwen-style chat prompts (ChatML) for math problems.</summary>
public static class ChatFormat
{
    /// <summary>The system prompt Qwen2.5-Math uses: reason, then box the final answer.</summary>
    public const string DefaultSystemPrompt = "Please reason step by step, and put your final answer within \\boxed{}.";

    /// <summary>The end-of-turn marker, which also ends a generated answer.</summary>
    public const string EndOfTurn = "<|im_end|>";

    /// <summary>A system turn, the problem as the user turn, and an open assistant turn.</summary>
    public static string Qwen(string problem, string systemPrompt = DefaultSystemPrompt) =>
        ChatTemplate.Render(ChatStyle.ChatMl, systemPrompt, problem);
}
