namespace Orleans.GvmRaft.Policy.Text;

/// <summary>The chat prompt layouts the engine can render itself instead of running a Jinja template.</summary>
public enum ChatStyle
{
    /// <summary>ChatML, as Qwen2 writes it: <c>&lt;|im_start|&gt;role\n…&lt;|im_end|&gt;\n</c>.</summary>
    ChatMl,

    /// <summary>Llama 3: <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\n…&lt;|eot_id|&gt;</c>.</summary>
    Llama3,
}
