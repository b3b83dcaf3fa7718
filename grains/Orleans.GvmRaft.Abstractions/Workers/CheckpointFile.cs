namespace Orleans.GvmRaft.Workers;

/// <summary>One file of a stored policy version.</summary>
/// <param name="Name">Its name in the version's folder.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Sha256">Its SHA-256, lower-case hex.</param>
[GenerateSerializer, Immutable]
public sealed record CheckpointFile(
    [property: Id(0)] string Name,
    [property: Id(1)] long Bytes,
    [property: Id(2)] string Sha256);
