namespace Orleans.GvmRaft.Workers;

/// <summary>
/// Where a policy version's files are: grain state keeps this, never the weights, so it stays the
/// same size whatever the model's.
/// </summary>
/// <param name="Version">The policy version.</param>
/// <param name="Location">Its place in the run's checkpoint store.</param>
/// <param name="Hash">SHA-256 of its manifest, which holds every file's SHA-256: a reader checks the files against it.</param>
[GenerateSerializer, Immutable]
public sealed record PolicyCheckpoint(
    [property: Id(0)] long Version,
    [property: Id(1)] string Location,
    [property: Id(2)] string Hash);
