namespace Orleans.GvmRaft.Runs;

/// <summary>The coordinator of one training run: its configuration, iteration state and the allocation step.</summary>
public interface ITrainingRunGrain : IGrainWithStringKey
{
    /// <summary>Creates the run; a repeat with the same configuration is a no-op, a different one throws.</summary>
    Task<RunSnapshot> CreateAsync(RunConfig config);

    /// <summary>The run, or null when no run has this id.</summary>
    Task<RunSnapshot?> GetSnapshotAsync();

    /// <summary>
    /// Gathers the batch's stage-1 estimates from the prompt grains, solves the allocation and hands each
    /// prompt its n_i. <paramref name="iteration"/> must be the next one; repeating the last call returns
    /// the same plan (so a retried call is safe).
    /// </summary>
    Task<IterationAllocation> AllocateAsync(int iteration, string[] promptIds);
}
