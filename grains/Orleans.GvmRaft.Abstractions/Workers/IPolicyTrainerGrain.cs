using Orleans.Concurrency;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Workers;

/// <summary>
/// The worker that trains one run's policy (keyed by run id; placed on a worker silo). It owns the
/// model, the optimiser and the held-out set, and writes every new policy version to the
/// checkpoint store, where the rollout workers load it.
/// </summary>
public interface IPolicyTrainerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Checks that the run's policy can be built where it will run: the model directory, its
    /// tokenizer files and chat template, the stop tokens, the held-out and warm-up files, and that
    /// every held-out prompt fits the model's context. The training set is not read (a start takes
    /// seconds whatever its size): a training prompt that does not fit is left out by the worker
    /// that draws it. Throws <see cref="ArgumentException"/> naming the file and the field; nothing
    /// is written.
    /// </summary>
    Task ValidateAsync(RunConfig config);

    /// <summary>
    /// Builds and warms up the policy (version 0) and evaluates it, as a background job on this
    /// trainer's silo: the first call starts the job, and every call returns at once, null while
    /// the job runs and its result once it is recorded. A repeat after that returns the result.
    /// A job whose silo died is started again by the next call; one that failed throws its error
    /// once, and the call after starts it again.
    /// </summary>
    Task<PolicyUpdate?> PrepareAsync(RunConfig config);

    /// <summary>
    /// Trains on the responses the run's queue holds for <paramref name="iteration"/> and makes
    /// version <paramref name="iteration"/>, evaluated when <paramref name="evaluate"/>: a background
    /// job, polled as <see cref="PrepareAsync"/> is, started from the last stored version. A repeat
    /// for a version already made returns its result without training again.
    /// </summary>
    Task<PolicyUpdate?> UpdateAsync(int iteration, bool evaluate);

    /// <summary>The job in progress or just ended on this trainer, with its progress; null when none.</summary>
    [AlwaysInterleave]
    Task<TrainerJob?> GetJobAsync();

    /// <summary>The current policy: its version, settings and where its files are.</summary>
    [AlwaysInterleave]
    Task<PolicyRelease> GetPolicyAsync();

    /// <summary>The files of the current version that make a Hugging Face checkpoint (weights, config, tokenizer).</summary>
    [AlwaysInterleave]
    Task<CheckpointFile[]> GetCheckpointFilesAsync();

    /// <summary>Up to <paramref name="count"/> bytes of file <paramref name="name"/> of the current version from <paramref name="offset"/>, for clients that cannot see the store.</summary>
    [AlwaysInterleave]
    Task<byte[]> ReadCheckpointAsync(string name, long offset, int count);

    /// <summary>
    /// Deletes the run's checkpoints from the store and the trainer's stored state (the run is
    /// deleted); a job still running is stopped first.
    /// </summary>
    Task DeleteAsync();
}
