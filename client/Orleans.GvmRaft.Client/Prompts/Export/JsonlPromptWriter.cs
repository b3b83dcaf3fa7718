using System.Text.Json;

namespace Orleans.GvmRaft.Client.Prompts.Export;

/// <summary>One JSON object per prompt and line, with the prompt table's column names.</summary>
public sealed class JsonlPromptWriter(Stream stream) : IPromptExportWriter
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly StreamWriter _writer = new(stream, new System.Text.UTF8Encoding(false));

    /// <inheritdoc />
    public async Task WriteAsync(IReadOnlyList<PromptExportRow> rows, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            await _writer.WriteLineAsync(JsonSerializer.Serialize(row, Options).AsMemory(), cancellationToken);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
