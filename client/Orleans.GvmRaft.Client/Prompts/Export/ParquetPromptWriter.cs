using Parquet;
using Parquet.Schema;

namespace Orleans.GvmRaft.Client.Prompts.Export;

/// <summary>
/// A Parquet file (Parquet.Net), one row group per page, with the prompt table's column names:
/// <c>pandas.read_parquet</c> and DuckDB open it as it is.
/// </summary>
public sealed class ParquetPromptWriter : IPromptExportWriter
{
    private static readonly ParquetSchema Schema = new(
        new DataField<string>("id"),
        new DataField<string>("sets"),
        new DataField<string>("text"),
        new DataField<string>("answer"),
        new DataField<string>("verifier"),
        new DataField<long>("attempts"),
        new DataField<long>("acceptances"),
        new DataField<double?>("accept_rate"),
        new DataField<long>("estimate_samples"),
        new DataField<long>("allocated_samples"),
        new DataField<long>("reports_applied"),
        new DataField<long>("grad_count"),
        new DataField<double>("grad_mean"),
        new DataField<double>("grad_std"),
        new DataField<string>("est_run_id"),
        new DataField<int?>("est_iteration"),
        new DataField<long?>("est_policy_version"),
        new DataField<int?>("est_samples"),
        new DataField<int?>("est_accepted"),
        new DataField<double?>("est_accept_rate"),
        new DataField<double?>("est_grad_norm"),
        new DataField<string>("alloc_run_id"),
        new DataField<int?>("alloc_iteration"),
        new DataField<int?>("alloc_samples"));

    private readonly ParquetWriter _writer;

    private ParquetPromptWriter(ParquetWriter writer) => _writer = writer;

    /// <summary>Starts a file on <paramref name="stream"/>.</summary>
    public static async Task<ParquetPromptWriter> CreateAsync(Stream stream, CancellationToken cancellationToken) =>
        new(await ParquetWriter.CreateAsync(Schema, stream, cancellationToken: cancellationToken));

    /// <inheritdoc />
    public async Task WriteAsync(IReadOnlyList<PromptExportRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var f = Schema.DataFields;
        using var group = _writer.CreateRowGroup();
        await group.WriteAsync(f[0], [.. rows.Select(r => r.Id)]);
        await group.WriteAsync(f[1], [.. rows.Select(r => r.Sets)]);
        await group.WriteAsync(f[2], [.. rows.Select(r => r.Text)]);
        await group.WriteAsync(f[3], [.. rows.Select(r => r.Answer)]);
        await group.WriteAsync(f[4], [.. rows.Select(r => r.Verifier)]);
        await Values(group, f[5], rows, r => r.Attempts, cancellationToken);
        await Values(group, f[6], rows, r => r.Acceptances, cancellationToken);
        await Nullable(group, f[7], rows, r => r.AcceptRate, cancellationToken);
        await Values(group, f[8], rows, r => r.EstimateSamples, cancellationToken);
        await Values(group, f[9], rows, r => r.AllocatedSamples, cancellationToken);
        await Values(group, f[10], rows, r => r.ReportsApplied, cancellationToken);
        await Values(group, f[11], rows, r => r.GradCount, cancellationToken);
        await Values(group, f[12], rows, r => r.GradMean, cancellationToken);
        await Values(group, f[13], rows, r => r.GradStd, cancellationToken);
        await group.WriteAsync(f[14], [.. rows.Select(r => r.EstRunId!)]);
        await Nullable(group, f[15], rows, r => r.EstIteration, cancellationToken);
        await Nullable(group, f[16], rows, r => r.EstPolicyVersion, cancellationToken);
        await Nullable(group, f[17], rows, r => r.EstSamples, cancellationToken);
        await Nullable(group, f[18], rows, r => r.EstAccepted, cancellationToken);
        await Nullable(group, f[19], rows, r => r.EstAcceptRate, cancellationToken);
        await Nullable(group, f[20], rows, r => r.EstGradNorm, cancellationToken);
        await group.WriteAsync(f[21], [.. rows.Select(r => r.AllocRunId!)]);
        await Nullable(group, f[22], rows, r => r.AllocIteration, cancellationToken);
        await Nullable(group, f[23], rows, r => r.AllocSamples, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _writer.DisposeAsync();

    private static Task Values<T>(ParquetRowGroupWriter group, DataField field, IReadOnlyList<PromptExportRow> rows, Func<PromptExportRow, T> value, CancellationToken cancellationToken)
        where T : struct =>
        group.WriteAsync<T>(field, rows.Select(value).ToArray(), null, null, cancellationToken);

    private static Task Nullable<T>(ParquetRowGroupWriter group, DataField field, IReadOnlyList<PromptExportRow> rows, Func<PromptExportRow, T?> value, CancellationToken cancellationToken)
        where T : struct =>
        group.WriteAsync<T>(field, rows.Select(value).ToArray(), null, null, cancellationToken);
}
