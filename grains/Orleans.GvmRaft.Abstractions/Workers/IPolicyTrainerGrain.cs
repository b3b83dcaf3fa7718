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
    /// every prompt of the run's set fits the model's context. Throws <see cref="ArgumentException"/>
    /// naming the file and the field; nothing is written.
    /// </summary>
    Task ValidateAsync(RunConfig config);

    /// <summary>Builds and warms up the policy (version 0) and evaluates it; a repeat returns the current version.</summary>
    Task<PolicyUpdate> PrepareAsync(RunConfig config);

    /// <summary>
    /// Trains on the responses the run's queue holds for <paramref name="iteration"/> and makes
    /// version <paramref name="iteration"/>; evaluates it when <paramref name="evaluate"/>. A repeat
    /// for a version already made returns its result without training again.
    /// </summary>
    Task<PolicyUpdate> UpdateAsync(int iteration, bool evaluate);

    /// <summary>The current policy: its version, settings and where its files are.</summary>
    [AlwaysInterleave]
    Task<PolicyRelease> GetPolicyAsync();

    /// <summary>The files of the current version that make a Hugging Face checkpoint (weights, config, tokenizer).</summary>
    [AlwaysInterleave]
    Task<CheckpointFile[]> GetCheckpointFilesAsync();

    /// <summary>Up to <paramref name="count"/> bytes of file <paramref name="name"/> of the current version from <paramref name="offset"/>, for clients that cannot see the store.</summary>
    [AlwaysInterleave]
    Task<byte[]> ReadCheckpointAsync(string name, long offset, int count);
}
