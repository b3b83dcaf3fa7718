using Orleans.GvmRaft.Policy.Text;

namespace Orleans.GvmRaft.Tests.Text;

public sealed class ChatTemplateTests
{
    // Abridged from the templates Qwen2.5 and Llama 3 ship.
    private const string QwenTemplate =
        "{%- for message in messages %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}{%- endfor %}"
        + "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

    private const string Llama3Template =
        "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + "
        + "'<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}"
        + "{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

    [Fact]
    public void RecognizesChatMlAndLlama3()
    {
        Assert.Equal(ChatStyle.ChatMl, ChatTemplate.Recognize(QwenTemplate, "qwen"));
        Assert.Equal(ChatStyle.Llama3, ChatTemplate.Recognize(Llama3Template, "llama"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{% for message in messages %}[INST] {{ message['content'] }} [/INST]{% endfor %}")]
    public void RefusesOtherTemplatesNamingTheSource(string? template)
    {
        var error = Assert.Throws<InvalidDataException>(() => ChatTemplate.Recognize(template, "/models/m/tokenizer_config.json"));
        Assert.Equal(
            "/models/m/tokenizer_config.json: chat_template cannot be rendered: only ChatML (<|im_start|> … <|im_end|>) and Llama 3 (<|start_header_id|> … <|eot_id|>) templates are supported",
            error.Message);
    }

    [Fact]
    public void ChatMlRendersLikeTheTemplateWithAGenerationPrompt()
    {
        Assert.Equal(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is 2 + 2?<|im_end|>\n<|im_start|>assistant\n",
            ChatTemplate.Render(ChatStyle.ChatMl, "Be brief.", "What is 2 + 2?"));
        Assert.Equal(
            "<|im_start|>user\nWhat is 2 + 2?<|im_end|>\n<|im_start|>assistant\n",
            ChatTemplate.Render(ChatStyle.ChatMl, null, "What is 2 + 2?"));
        Assert.Equal(ChatFormat.Qwen("x", "s"), ChatTemplate.Render(ChatStyle.ChatMl, "s", "x"));
    }

    [Fact]
    public void Llama3RendersLikeTheTemplateWithoutTheBosToken()
    {
        Assert.Equal(
            "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2 + 2?<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n",
            ChatTemplate.Render(ChatStyle.Llama3, "Be brief.", " What is 2 + 2?\n"));
        Assert.Equal(
            "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
            ChatTemplate.Render(ChatStyle.Llama3, null, "Hi"));
    }

    [Fact]
    public void EndOfTurnIsTheTokenThatClosesATurn()
    {
        Assert.Equal("<|im_end|>", ChatTemplate.EndOfTurn(ChatStyle.ChatMl));
        Assert.Equal("<|eot_id|>", ChatTemplate.EndOfTurn(ChatStyle.Llama3));
    }
}
