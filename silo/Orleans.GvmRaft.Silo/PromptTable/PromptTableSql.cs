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

    public static SqliteType SqliteType(string column) => column switch
    {
        "grad_mean" or "grad_m2" or "est_grad_mean" or "est_grad_m2" => Microsoft.Data.Sqlite.SqliteType.Real,
        "id" or "text" or "answer" or "verifier" or "sets" or "est_run_id" or "alloc_run_id" or "history" or "report_ids" => Microsoft.Data.Sqlite.SqliteType.Text,
        _ => Microsoft.Data.Sqlite.SqliteType.Integer,
    };
}
