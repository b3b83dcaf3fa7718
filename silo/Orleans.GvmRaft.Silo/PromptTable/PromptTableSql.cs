using Microsoft.Data.Sqlite;

namespace Orleans.GvmRaft.Silo.PromptTable;

/// <summary>The statements both dialects share, built from the one column list of <see cref="PromptRow"/>.</summary>
internal static class PromptTableSql
{
    public static IReadOnlyList<string> Columns => PromptRow.Columns;

    /// <summary>What a write after the first can change: everything but the id and the definition.</summary>
    public static IReadOnlyList<string> Mutable { get; } = [.. PromptRow.Columns.Skip(4)];

    /// <summary>
    /// A row's later write: it changes the stored row only when that is one version older, so a
    /// stale version changes nothing (and returns no row).
    /// </summary>
    public static string Update(string prefix, string now) =>
        $"""
        UPDATE gvm_prompts SET {string.Join(", ", Mutable.Select(c => $"{c} = {prefix}{c}"))}, modified_at = {now}
        WHERE id = {prefix}id AND version = {prefix}version - 1
        """;

    /// <summary>Insert unless the id is stored already.</summary>
    public static string InsertNew(string prefix, string now) =>
        $"""
        INSERT INTO gvm_prompts ({PromptRow.ColumnList}, modified_at)
        VALUES ({string.Join(", ", Columns.Select(c => prefix + c))}, {now})
        ON CONFLICT (id) DO NOTHING
        """;

    /// <summary>The row's values in column order.</summary>
    public static object?[] Values(PromptRow r) =>
    [
        r.Id, r.Text, r.Answer, r.Verifier, r.Sets,
        r.Attempts, r.Acceptances, r.EstimateSamples, r.AllocatedSamples, r.ReportsApplied,
        r.GradCount, r.GradMean, r.GradM2,
        r.EstRunId, r.EstIteration, r.EstPolicyVersion, r.EstSamples, r.EstAccepted, r.EstGradCount, r.EstGradMean, r.EstGradM2,
        r.AllocRunId, r.AllocIteration, r.AllocSamples,
        r.History, r.ReportIds, r.Version,
    ];

    /// <summary>The kind of value a column holds, as deploy/sql/*/05-prompts.sql declares it.</summary>
    public static ColumnKind Kind(string column) => column switch
    {
        "id" or "text" or "answer" or "verifier" or "est_run_id" or "alloc_run_id" => ColumnKind.Text,
        "sets" or "history" or "report_ids" => ColumnKind.Json,
        "grad_mean" or "grad_m2" or "est_grad_mean" or "est_grad_m2" => ColumnKind.Double,
        "est_iteration" or "est_samples" or "est_accepted" or "alloc_iteration" or "alloc_samples" => ColumnKind.Int32,
        _ => ColumnKind.Int64,
    };

    /// <summary>The SQLite storage class of a column.</summary>
    public static SqliteType SqliteType(string column) => Kind(column) switch
    {
        ColumnKind.Double => Microsoft.Data.Sqlite.SqliteType.Real,
        ColumnKind.Text or ColumnKind.Json => Microsoft.Data.Sqlite.SqliteType.Text,
        _ => Microsoft.Data.Sqlite.SqliteType.Integer,
    };
}
