namespace Orleans.GvmRaft.Client.Prompts.Export;

/// <summary>Writes exported prompts to a file, a page at a time.</summary>
public interface IPromptExportWriter : IAsyncDisposable
{
    /// <summary>Appends a page of rows.</summary>
    Task WriteAsync(IReadOnlyList<PromptExportRow> rows, CancellationToken cancellationToken);
}
