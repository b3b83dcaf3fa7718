using Microsoft.Extensions.Options;
using Orleans.GvmRaft.Telemetry;

namespace Orleans.GvmRaft.Prompts;

/// <summary>
/// One prompt: its definition and statistics, persisted on every change (on SQLite and PostgreSQL
/// as one row of the prompt table, its writes grouped with other prompts' into one transaction).
/// </summary>
[Placement.ControlPlacementFilter]
public sealed class PromptGrain(
    [PersistentState("prompt", GvmStorage.PromptRows)] IPersistentState<PromptState> state,
    IOptions<PromptGrainOptions> options) : Grain, IPromptGrain
{
    private readonly int _reportIdWindow = options.Value.ReportIdWindow;
    /// <summary>
    /// Visits a prompt keeps (all runs together): GRESO reads the run's most recent epochs back to
    /// the first that breaks a streak, and its skip probability stops falling at 0.01 after a few.
    /// </summary>
    public const int VisitLimit = 16;

    private readonly int _historyLength = options.Value.HistoryLength;

    private string PromptId => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        GvmMetrics.PromptActivations.Add(1, GvmMetrics.SiloTag(this));
        return base.OnActivateAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        GvmMetrics.PromptActivations.Add(-1, GvmMetrics.SiloTag(this));
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<DefineOutcome> DefineAsync(PromptDefinition definition, string? set = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        definition.Validate();
        if (definition.Id != PromptId)
        {
            throw new ArgumentException($"definition of '{definition.Id}' sent to prompt '{PromptId}'.");
        }

        await RefreshIfUndefinedAsync();
        if (state.State.Definition is { } existing)
        {
            return existing == definition ? DefineOutcome.Unchanged : throw new PromptConflictException(PromptId);
        }

        if (set is not null)
        {
            PromptSets.PromptSetLayout.ValidateName(set);
        }

        await CommitAsync(s =>
        {
            s.Definition = definition;
            if (set is not null)
            {
                s.Sets.Add(set);
            }
        });
        return DefineOutcome.Created;
    }

    /// <inheritdoc />
    public async Task<PromptDefinition?> GetDefinitionAsync()
    {
        await RefreshIfUndefinedAsync();
        return state.State.Definition;
    }

    /// <inheritdoc />
    public async Task ForgetAsync()
    {
        await RefreshIfUndefinedAsync();
        if (state.State.Definition is null)
        {
            return;
        }

        if (state.State.Statistics.ReportsApplied > 0)
        {
            throw new InvalidOperationException(
                $"prompt '{PromptId}' has recorded rollouts; its statistics are kept and it cannot be removed.");
        }

        await state.ClearStateAsync();
        state.State = new PromptState();
    }

    /// <inheritdoc />
    public async Task<ReportDisposition> RecordRolloutsAsync(RolloutReport report) => (await RecordAsync(report)).Disposition;

    /// <inheritdoc />
    public async Task<PromptRecord> RecordAsync(RolloutReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        await RefreshIfUndefinedAsync();
        if (state.State.Definition is null)
        {
            throw new ResultsRefusedException(PromptId, $"unknown prompt '{PromptId}': import it first.");
        }

        try
        {
            report.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ResultsRefusedException(PromptId, e.Message);
        }

        if (state.State.RecentReportIds.Contains(report.ReportId))
        {
            return Record(ReportDisposition.Duplicate);
        }

        await CommitAsync(s =>
        {
            s.Statistics = s.Statistics.With(report);
            if (report.Stage == RolloutStage.Estimate)
            {
                s.LatestEstimate = NextEstimate(s.LatestEstimate, report);
            }
            else
            {
                s.LastAllocation = NextAllocation(s.LastAllocation, report);
            }

            AppendBounded(s.RecentReportIds, report.ReportId, _reportIdWindow);
            AppendBounded(s.History, PromptHistoryEntry.Of(report), _historyLength);
            RecordVisit(s.Visits, report);
        });
        return Record(ReportDisposition.Applied);
    }

    /// <inheritdoc />
    public async Task<PromptVisit[]> GetVisitsAsync(string runId)
    {
        await RefreshIfUndefinedAsync();
        RequireDefined();
        return [.. state.State.Visits.Where(v => v.RunId == runId)];
    }

    /// <inheritdoc />
    public async Task<Stage1Plan> PlanStage1Async(Stage1Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        await RefreshIfUndefinedAsync();
        RequireDefined();
        return Stage1Planner.Plan(state.State.Visits, state.State.LatestEstimate, request);
    }

    /// <inheritdoc />
    public async Task<PromptEstimate?> GetEstimateAsync()
    {
        await RefreshIfUndefinedAsync();
        RequireDefined();
        return state.State.LatestEstimate;
    }

    /// <inheritdoc />
    public async Task<bool> JoinSetAsync(string set)
    {
        await RefreshIfUndefinedAsync();
        RequireDefined();
        PromptSets.PromptSetLayout.ValidateName(set);
        if (state.State.Sets.Contains(set))
        {
            return false;
        }

        await CommitAsync(s => s.Sets.Add(set));
        return true;
    }

    /// <inheritdoc />
    public async Task<PromptSnapshot?> GetSnapshotAsync()
    {
        await RefreshIfUndefinedAsync();
        var s = state.State;
        return s.Definition is null
            ? null
            : new PromptSnapshot(s.Definition, s.Statistics, s.LatestEstimate, s.LastAllocation, [.. s.History], [.. s.Sets]);
    }

    private PromptRecord Record(ReportDisposition disposition) =>
        new(disposition, state.State.LatestEstimate, state.State.Statistics.SamplesSpent);

    // The allocation a prompt shows is what its stage-2 reports drew in the run's iteration (the
    // run's plan and index hold every prompt's allocation, zeros included, so the coordinator
    // does not write each prompt to tell it).
    private static AllocationAssignment NextAllocation(AllocationAssignment? current, RolloutReport report) =>
        current is not null && current.RunId == report.RunId && current.Iteration == report.Iteration
            ? current with { Samples = current.Samples + report.Attempts }
            : new AllocationAssignment(report.RunId, report.Iteration, report.Attempts);

    // Stage-1 reports of the same draw (a run's iteration under one policy version, perhaps split
    // across workers) add up; a report of a newer draw replaces the estimate, unless it is a shrunk
    // stage 1 that extends a reused estimate: then it adds up too and takes the newer tag.
    private static PromptEstimate NextEstimate(PromptEstimate? current, RolloutReport report)
    {
        var moments = RunningMoments.Of(report.GradNorms);
        if (current is not null && report.ExtendsEstimate && !current.IsSameDraw(report))
        {
            return new PromptEstimate(
                report.RunId,
                report.Iteration,
                report.PolicyVersion,
                current.Samples + report.Attempts,
                current.Accepted + report.Acceptances,
                current.GradNorms.Merge(moments));
        }

        if (current is not null && current.IsSameDraw(report))
        {
            return current with
            {
                Samples = current.Samples + report.Attempts,
                Accepted = current.Accepted + report.Acceptances,
                GradNorms = current.GradNorms.Merge(moments),
            };
        }

        return new PromptEstimate(report.RunId, report.Iteration, report.PolicyVersion, report.Attempts, report.Acceptances, moments);
    }

    // Both stages of one iteration (and every worker's part of them) make one visit, even when
    // another run's reports for the same prompt come in between.
    private static void RecordVisit(List<PromptVisit> visits, RolloutReport report)
    {
        int same = visits.FindLastIndex(v => v.RunId == report.RunId && v.Iteration == report.Iteration);
        if (same >= 0)
        {
            visits[same] = PromptVisit.Next(visits[same], report);
            return;
        }

        AppendBounded(visits, PromptVisit.Next(null, report), VisitLimit);
    }

    private static void AppendBounded<T>(List<T> list, T item, int limit)
    {
        list.Add(item);
        if (list.Count > limit)
        {
            list.RemoveRange(0, list.Count - limit);
        }
    }

    // A bulk import writes rows without activating grains: an activation that read no row before
    // the prompt was imported reads again before it answers that the prompt is unknown.
    private async Task RefreshIfUndefinedAsync()
    {
        if (state.State.Definition is null)
        {
            await state.ReadStateAsync();
        }
    }

    private void RequireDefined()
    {
        if (state.State.Definition is null)
        {
            throw new InvalidOperationException($"unknown prompt '{PromptId}': import it first.");
        }
    }

    private Task CommitAsync(Action<PromptState> change) => state.CommitAsync(this, change);
}
