using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Tests.Workers;

/// <summary>
/// A trainer's warm-up and updates are background jobs its calls start and then look in on: these
/// poll the call, as the run grain does, until the job's result is recorded.
/// </summary>
public static class TrainerCalls
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    /// <summary><see cref="IPolicyTrainerGrain.PrepareAsync"/> until version 0 is made.</summary>
    public static Task<PolicyUpdate> PrepareUntilDoneAsync(this IPolicyTrainerGrain trainer, RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        return UntilDoneAsync(() => trainer.PrepareAsync(config));
    }

    /// <summary><see cref="IPolicyTrainerGrain.UpdateAsync"/> until version <paramref name="iteration"/> is made.</summary>
    public static Task<PolicyUpdate> UpdateUntilDoneAsync(this IPolicyTrainerGrain trainer, int iteration, bool evaluate)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        return UntilDoneAsync(() => trainer.UpdateAsync(iteration, evaluate));
    }

    private static async Task<PolicyUpdate> UntilDoneAsync(Func<Task<PolicyUpdate?>> call)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            if (await call() is { } update)
            {
                return update;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the trainer's job did not end within {Limit}.");
            }

            await Task.Delay(20);
        }
    }
}
