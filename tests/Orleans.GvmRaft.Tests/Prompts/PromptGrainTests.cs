using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Tests.Prompts;

[Collection(ClusterCollection.Name)]
public sealed class PromptGrainTests(ClusterFixture fixture)
{
    private static int _next;

    [Fact]
    public async Task DefiningTwiceIsIdempotentAndAConflictIsRefused()
    {
        var (grain, definition) = await NewPromptAsync();
        Assert.Equal(DefineOutcome.Unchanged, await grain.DefineAsync(definition));
        await Assert.ThrowsAsync<PromptConflictException>(() => grain.DefineAsync(definition with { Answer = "other" }));
        Assert.Equal(definition, await grain.GetDefinitionAsync());
    }

    [Fact]
    public async Task RolloutsUpdateCountsEstimateAndGradientMoments()
    {
        var (grain, _) = await NewPromptAsync();
        await grain.RecordRolloutsAsync(Report("r1", 1, RolloutStage.Estimate, 8, 2, [1.0, 3.0]));
        await grain.RecordRolloutsAsync(Report("r2", 1, RolloutStage.Sample, 10, 5, [2.0]));

        var snapshot = (await grain.GetSnapshotAsync())!;
        var stats = snapshot.Statistics;
        Assert.Equal(18, stats.Attempts);
        Assert.Equal(7, stats.Acceptances);
        Assert.Equal(8, stats.EstimateSamples);
        Assert.Equal(10, stats.AllocatedSamples);
        Assert.Equal(18, stats.SamplesSpent);

        // Norms 1, 3, 2: mean 2, sample variance ((1−2)² + (3−2)² + 0) / 2 = 1.
        Assert.Equal(3, stats.GradNorms.Count);
        Assert.Equal(2.0, stats.GradNorms.Mean, 12);
        Assert.Equal(1.0, stats.GradNorms.Variance, 12);

        // Beta(1 + 7, 1 + 11).
        Assert.Equal(8, stats.Posterior.Alpha);
        Assert.Equal(12, stats.Posterior.Beta);

        // History keeps each report, oldest first.
        Assert.Equal(
            [new PromptHistoryEntry("run", 1, 0, RolloutStage.Estimate, 8, 2, 2.0), new PromptHistoryEntry("run", 1, 0, RolloutStage.Sample, 10, 5, 2.0)],
            snapshot.History);

        // The estimate is stage 1 alone: p = 2/8, G = mean(1, 3) = 2.
        var estimate = snapshot.LatestEstimate!;
        Assert.Equal(0.25, estimate.AcceptRate);
        Assert.Equal(2.0, estimate.GradNorm);
        Assert.Equal(1, estimate.Iteration);
    }

    [Fact]
    public async Task StageOneReportsOfOneDrawAddUpAndANewDrawReplacesThem()
    {
        var (grain, _) = await NewPromptAsync();
        await grain.RecordRolloutsAsync(Report("a", 1, RolloutStage.Estimate, 4, 1, [2.0]));
        await grain.RecordRolloutsAsync(Report("b", 1, RolloutStage.Estimate, 4, 3, [4.0, 4.0, 4.0]));
        var merged = (await grain.GetEstimateAsync())!;
        Assert.Equal(8, merged.Samples);
        Assert.Equal(0.5, merged.AcceptRate);
        Assert.Equal(3.5, merged.GradNorm, 12);

        await grain.RecordRolloutsAsync(Report("c", 2, RolloutStage.Estimate, 8, 0, []));
        var fresh = (await grain.GetEstimateAsync())!;
        Assert.Equal(2, fresh.Iteration);
        Assert.Equal(0, fresh.AcceptRate);
        Assert.Equal(0, fresh.GradNorm);
    }

    [Fact]
    public async Task ARetriedReportIsCountedOnce()
    {
        var (grain, _) = await NewPromptAsync();
        var report = Report("retry-me", 1, RolloutStage.Sample, 6, 3, [1.0]);
        Assert.Equal(ReportDisposition.Applied, await grain.RecordRolloutsAsync(report));
        Assert.Equal(ReportDisposition.Duplicate, await grain.RecordRolloutsAsync(report));
        var stats = (await grain.GetSnapshotAsync())!.Statistics;
        Assert.Equal(6, stats.Attempts);
        Assert.Equal(1, stats.ReportsApplied);
    }

    [Fact]
    public async Task ReportIdsAreRememberedForTheConfiguredWindow()
    {
        // The fixture sets the window to 4 ids: the first id falls out after four newer reports.
        var (grain, _) = await NewPromptAsync();
        for (int i = 0; i < 5; i++)
        {
            await grain.RecordRolloutsAsync(Report($"w{i}", 1, RolloutStage.Sample, 1, 0, []));
        }

        Assert.Equal(ReportDisposition.Duplicate, await grain.RecordRolloutsAsync(Report("w1", 1, RolloutStage.Sample, 1, 0, [])));
        Assert.Equal(ReportDisposition.Applied, await grain.RecordRolloutsAsync(Report("w0", 1, RolloutStage.Sample, 1, 0, [])));
    }

    public static TheoryData<RolloutReport, string> InvalidReports => new()
    {
        { Report("nan", 1, RolloutStage.Estimate, 8, 2, [1.0, double.NaN]), "gradient norm 1" },
        { Report("neg", 1, RolloutStage.Estimate, 8, 2, [-0.5]), "gradient norm 0" },
        { Report("inf", 1, RolloutStage.Estimate, 8, 1, [double.PositiveInfinity]), "gradient norm 0" },
        { Report("more", 1, RolloutStage.Estimate, 3, 4, []), "acceptances" },
        { Report("norms", 1, RolloutStage.Estimate, 8, 1, [1.0, 2.0]), "2 gradient norms for 1 accepted" },
        { Report("iter", 0, RolloutStage.Estimate, 8, 1, []), "iteration" },
        { Report("", 1, RolloutStage.Estimate, 8, 1, []), "report id" },
    };

    [Theory]
    [MemberData(nameof(InvalidReports))]
    public async Task InvalidReportsAreRefusedAndChangeNothing(RolloutReport report, string named)
    {
        var (grain, _) = await NewPromptAsync();
        await grain.RecordRolloutsAsync(Report("ok", 1, RolloutStage.Estimate, 8, 4, [1.0]));
        string before = System.Text.Json.JsonSerializer.Serialize(await grain.GetSnapshotAsync());

        var e = await Assert.ThrowsAsync<ResultsRefusedException>(() => grain.RecordRolloutsAsync(report));
        Assert.Contains(named, e.Message);
        Assert.Equal(before, System.Text.Json.JsonSerializer.Serialize(await grain.GetSnapshotAsync()));
    }

    [Fact]
    public async Task AnUnknownPromptRefusesRollouts()
    {
        var grain = fixture.Client.GetGrain<IPromptGrain>($"never-imported-{Interlocked.Increment(ref _next)}");
        var e = await Assert.ThrowsAsync<ResultsRefusedException>(() => grain.RecordRolloutsAsync(Report("x", 1, RolloutStage.Sample, 1, 1, [])));
        Assert.Contains("unknown prompt", e.Message);
        Assert.Null(await grain.GetSnapshotAsync());
    }

    [Fact]
    public async Task StateSurvivesDeactivation()
    {
        var (grain, definition) = await NewPromptAsync();
        await grain.RecordRolloutsAsync(Report("d1", 3, RolloutStage.Estimate, 8, 6, [0.5, 1.5]));

        // Stage-2 results of one iteration add up to the allocation the prompt shows.
        await grain.RecordRolloutsAsync(Report("d2", 3, RolloutStage.Sample, 10, 4, []));
        await grain.RecordRolloutsAsync(Report("d3", 3, RolloutStage.Sample, 7, 2, []));

        await fixture.Cluster.DeactivateAsync(grain);
        await fixture.Cluster.WaitForDeactivationAsync(grain);

        var snapshot = (await grain.GetSnapshotAsync())!;
        Assert.Equal(definition, snapshot.Definition);
        Assert.Equal(25, snapshot.Statistics.Attempts);
        Assert.Equal(12, snapshot.Statistics.Acceptances);
        Assert.Equal(0.75, snapshot.LatestEstimate!.AcceptRate);
        Assert.Equal(1.0, snapshot.LatestEstimate.GradNorm, 12);
        Assert.Equal(new AllocationAssignment("run", 3, 17), snapshot.LastAllocation);

        // The dedup window is persisted too: the same report after reactivation is still a duplicate.
        Assert.Equal(ReportDisposition.Duplicate, await grain.RecordRolloutsAsync(Report("d1", 3, RolloutStage.Estimate, 8, 6, [0.5, 1.5])));
    }

    [Fact]
    public async Task ANewPromptStartsFromZeroAfterAnotherIsReadBackFromStorage()
    {
        // Regression: a shared default instance in the state was overwritten when Orleans read
        // another prompt's state back, and every later prompt started with its counts.
        var (old, _) = await NewPromptAsync();
        await old.RecordRolloutsAsync(Report("o", 1, RolloutStage.Estimate, 8, 5, [2.0]));
        await fixture.Cluster.DeactivateAsync(old);
        await fixture.Cluster.WaitForDeactivationAsync(old);
        Assert.Equal(8, (await old.GetSnapshotAsync())!.Statistics.Attempts);

        var (fresh, _) = await NewPromptAsync();
        var stats = (await fresh.GetSnapshotAsync())!.Statistics;
        Assert.Equal(0, stats.Attempts);
        Assert.Equal(0, stats.GradNorms.Count);
    }

    [Fact]
    public async Task ForgetRemovesOnlyAPromptWithoutRollouts()
    {
        var (fresh, _) = await NewPromptAsync();
        await fresh.ForgetAsync();
        Assert.Null(await fresh.GetDefinitionAsync());

        var (used, _) = await NewPromptAsync();
        await used.RecordRolloutsAsync(Report("f", 1, RolloutStage.Sample, 1, 1, []));
        await Assert.ThrowsAsync<InvalidOperationException>(() => used.ForgetAsync());
        Assert.NotNull(await used.GetDefinitionAsync());
    }

    private async Task<(IPromptGrain Grain, PromptDefinition Definition)> NewPromptAsync()
    {
        string id = $"prompt-{Interlocked.Increment(ref _next)}-{Guid.NewGuid():N}";
        var definition = new PromptDefinition(id, "What is 2 + 2?", "4", VerifierKinds.Exact);
        var grain = fixture.Client.GetGrain<IPromptGrain>(id);
        Assert.Equal(DefineOutcome.Created, await grain.DefineAsync(definition));
        return (grain, definition);
    }

    private static RolloutReport Report(string id, int iteration, RolloutStage stage, int attempts, int accepted, double[] norms) =>
        new(id, "run", iteration, 0, stage, attempts, accepted, norms);
}
