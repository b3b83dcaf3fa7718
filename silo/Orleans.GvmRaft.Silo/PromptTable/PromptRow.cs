using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Silo.PromptTable;

/// <summary>
/// One row of <c>gvm_prompts</c> (deploy/sql/*/05-prompts.sql): a prompt grain's state as typed
/// columns, so a team can query statistics with SQL. Values are checked when a row becomes state
/// again, since a row may have been edited by hand.
/// </summary>
public sealed record PromptRow
{
    /// <summary>The columns in the order <see cref="FromValues"/> expects them.</summary>
    public static readonly string[] Columns =
    [
        "id", "text", "answer", "verifier", "sets",
        "attempts", "acceptances", "estimate_samples", "allocated_samples", "reports_applied",
        "grad_count", "grad_mean", "grad_m2",
        "est_run_id", "est_iteration", "est_policy_version", "est_samples", "est_accepted", "est_grad_count", "est_grad_mean", "est_grad_m2",
        "alloc_run_id", "alloc_iteration", "alloc_samples",
        "history", "report_ids", "version",
    ];

    /// <summary>The columns as a SELECT list.</summary>
    public static string ColumnList { get; } = string.Join(", ", Columns);

    /// <summary>Column <c>id</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Column <c>text</c>.</summary>
    public required string Text { get; init; }

    /// <summary>Column <c>answer</c>.</summary>
    public required string Answer { get; init; }

    /// <summary>Column <c>verifier</c>.</summary>
    public required string Verifier { get; init; }

    /// <summary>Column <c>sets</c>.</summary>
    public required string Sets { get; init; }

    /// <summary>Column <c>attempts</c>.</summary>
    public long Attempts { get; init; }

    /// <summary>Column <c>acceptances</c>.</summary>
    public long Acceptances { get; init; }

    /// <summary>Column <c>estimate_samples</c>.</summary>
    public long EstimateSamples { get; init; }

    /// <summary>Column <c>allocated_samples</c>.</summary>
    public long AllocatedSamples { get; init; }

    /// <summary>Column <c>reports_applied</c>.</summary>
    public long ReportsApplied { get; init; }

    /// <summary>Column <c>grad_count</c>.</summary>
    public long GradCount { get; init; }

    /// <summary>Column <c>grad_mean</c>.</summary>
    public double GradMean { get; init; }

    /// <summary>Column <c>grad_m2</c>.</summary>
    public double GradM2 { get; init; }

    /// <summary>Column <c>est_run_id</c>.</summary>
    public string? EstRunId { get; init; }

    /// <summary>Column <c>est_iteration</c>.</summary>
    public int? EstIteration { get; init; }

    /// <summary>Column <c>est_policy_version</c>.</summary>
    public long? EstPolicyVersion { get; init; }

    /// <summary>Column <c>est_samples</c>.</summary>
    public int? EstSamples { get; init; }

    /// <summary>Column <c>est_accepted</c>.</summary>
    public int? EstAccepted { get; init; }

    /// <summary>Column <c>est_grad_count</c>.</summary>
    public long? EstGradCount { get; init; }

    /// <summary>Column <c>est_grad_mean</c>.</summary>
    public double? EstGradMean { get; init; }

    /// <summary>Column <c>est_grad_m2</c>.</summary>
    public double? EstGradM2 { get; init; }

    /// <summary>Column <c>alloc_run_id</c>.</summary>
    public string? AllocRunId { get; init; }

    /// <summary>Column <c>alloc_iteration</c>.</summary>
    public int? AllocIteration { get; init; }

    /// <summary>Column <c>alloc_samples</c>.</summary>
    public int? AllocSamples { get; init; }

    /// <summary>Column <c>history</c>.</summary>
    public required string History { get; init; }

    /// <summary>Column <c>report_ids</c>.</summary>
    public required string ReportIds { get; init; }

    /// <summary>Column <c>version</c>.</summary>
    public long Version { get; init; }

    /// <summary>The row of a defined prompt's state at <paramref name="version"/>.</summary>
    public static PromptRow FromState(string id, PromptState state, long version)
    {
        ArgumentNullException.ThrowIfNull(state);
        var definition = state.Definition ?? throw new InvalidOperationException($"prompt '{id}' has no definition; only imported prompts are stored.");
        var s = state.Statistics;
        var e = state.LatestEstimate;
        var a = state.LastAllocation;
        return new PromptRow
        {
            Id = id,
            Text = definition.Text,
            Answer = definition.Answer,
            Verifier = definition.Verifier,
            Sets = PromptRowJson.WriteStrings(state.Sets),
            Attempts = s.Attempts,
            Acceptances = s.Acceptances,
            EstimateSamples = s.EstimateSamples,
            AllocatedSamples = s.AllocatedSamples,
            ReportsApplied = s.ReportsApplied,
            GradCount = s.GradNorms.Count,
            GradMean = s.GradNorms.Mean,
            GradM2 = s.GradNorms.M2,
            EstRunId = e?.RunId,
            EstIteration = e?.Iteration,
            EstPolicyVersion = e?.PolicyVersion,
            EstSamples = e?.Samples,
            EstAccepted = e?.Accepted,
            EstGradCount = e?.GradNorms.Count,
            EstGradMean = e?.GradNorms.Mean,
            EstGradM2 = e?.GradNorms.M2,
            AllocRunId = a?.RunId,
            AllocIteration = a?.Iteration,
            AllocSamples = a?.Samples,
            History = PromptRowJson.WriteHistory(state.History),
            ReportIds = PromptRowJson.WriteStrings(state.RecentReportIds),
            Version = version,
        };
    }

    /// <summary>The row of a newly imported prompt: no statistics yet, in <paramref name="set"/> when given.</summary>
    public static PromptRow New(PromptDefinition definition, string? set) =>
        FromState(definition.Id, new PromptState { Definition = definition, Sets = set is null ? [] : [set] }, version: 1);

    // What every new row holds besides its definition and sets.
    private static readonly PromptRow NewTemplate = New(new PromptDefinition("new", "new", "new", VerifierKinds.Default), null);

    /// <summary>
    /// Whether this row is a new row (<see cref="New"/>): only its definition and sets differ from
    /// the table's column defaults, so an insert may leave every other column to them.
    /// </summary>
    public bool IsNew => this with { Id = NewTemplate.Id, Text = NewTemplate.Text, Answer = NewTemplate.Answer, Verifier = NewTemplate.Verifier, Sets = NewTemplate.Sets } == NewTemplate;

    /// <summary>
    /// The row from its values in <see cref="Columns"/> order, as the database returned them;
    /// a value of the wrong type (SQLite columns take any) is a <see cref="PromptRowException"/>.
    /// </summary>
    public static PromptRow FromValues(object?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        string id = values[0] as string ?? throw new InvalidOperationException("a prompt row without an id.");
        var column = new ColumnReader(values, id);
        return new PromptRow
        {
            Id = id,
            Text = column.Text(1),
            Answer = column.Text(2),
            Verifier = column.Text(3),
            Sets = column.Text(4),
            Attempts = column.Int64(5),
            Acceptances = column.Int64(6),
            EstimateSamples = column.Int64(7),
            AllocatedSamples = column.Int64(8),
            ReportsApplied = column.Int64(9),
            GradCount = column.Int64(10),
            GradMean = column.Double(11),
            GradM2 = column.Double(12),
            EstRunId = column.NullableText(13),
            EstIteration = column.NullableInt32(14),
            EstPolicyVersion = column.NullableInt64(15),
            EstSamples = column.NullableInt32(16),
            EstAccepted = column.NullableInt32(17),
            EstGradCount = column.NullableInt64(18),
            EstGradMean = column.NullableDouble(19),
            EstGradM2 = column.NullableDouble(20),
            AllocRunId = column.NullableText(21),
            AllocIteration = column.NullableInt32(22),
            AllocSamples = column.NullableInt32(23),
            History = column.Text(24),
            ReportIds = column.Text(25),
            Version = column.Int64(26),
        };
    }

    /// <summary>The prompt state of this row; throws <see cref="PromptRowException"/> naming the first impossible column.</summary>
    public PromptState ToState() => PromptRowValidation.ToState(this);
}
