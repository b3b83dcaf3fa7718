using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Tests.Workers;

/// <summary>
/// The trainer's warm-up is a background job: the call that starts it returns at once, the job
/// reports its steps as it goes, and a later call records its result.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TrainerJobTests(ClusterFixture fixture)
{
    [Fact]
    public async Task AWarmUpRunsAsAJobThatReportsItsStepsAndIsCollectedOnce()
    {
        // A seed of its own: the warm-up cache must not serve this warm-up from an earlier run.
        const int Steps = 60;
        var trainer = PolicyTrainers.Model(fixture.Client, $"job-{Guid.NewGuid():N}");
        var config = new RunConfig(Policy: new PolicySettings(Seed: 9001, WarmupSteps: Steps, WarmupExamples: 16, EvalPrompts: 2));
        Assert.Null(await trainer.GetJobAsync());

        // The first call starts the job and returns before the first of its 60 steps can finish.
        Assert.Null(await trainer.PrepareAsync(config));
        var seen = new List<TrainerJob>();
        PolicyUpdate? update = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (update is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the warm-up job did not end within 2 minutes");
            if (await trainer.GetJobAsync() is { } job)
            {
                seen.Add(job);
            }

            update = await trainer.PrepareAsync(config);
            await Task.Delay(10);
        }

        Assert.Equal(0, update.Version);
        Assert.NotNull(update.EvalAccuracy);
        Assert.All(seen, j => Assert.Equal((TrainerJob.WarmUp, 0L), (j.Kind, j.Version)));
        Assert.NotEqual(ClusterFixture.ControlSilo, seen[0].Silo);

        // Its steps went forward (never back) to all 60, the loss came with them, and it ended clean.
        var steps = seen.Select(j => j.Step).ToList();
        Assert.Equal(steps.Order(), steps);
        Assert.Contains(seen, j => j.Step is > 0 and < Steps && j.Steps == Steps && j.Loss is > 0);
        Assert.All(seen.Where(j => j.Done), j => Assert.Null(j.Error));

        // Collected once: the job is gone, and a repeat returns the recorded result without a new job.
        Assert.Null(await trainer.GetJobAsync());
        Assert.Equal(update, await trainer.PrepareAsync(config));
        Assert.Null(await trainer.GetJobAsync());
        Assert.Equal(0, (await trainer.GetPolicyAsync()).Version);
    }
}
