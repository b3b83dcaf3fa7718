namespace Orleans.GvmRaft.Workers;

/// <summary>
/// A trainer's background job as its trainer grain reports it: the warm-up that makes version 0,
/// or the update that makes the next version. The job runs on a worker silo outside any grain
/// turn; the grain starts it, and the run grain polls it until it ends.
/// </summary>
/// <param name="Version">The version the job makes.</param>
/// <param name="Kind"><see cref="WarmUp"/> or <see cref="Update"/>.</param>
/// <param name="Silo">The silo it runs on.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="Step">Optimiser steps done.</param>
/// <param name="Steps">Optimiser steps in all (0 until known).</param>
/// <param name="Loss">The last step's token-mean −log π.</param>
/// <param name="Done">The job ended; its result is recorded at the grain's next call.</param>
/// <param name="Error">Why it failed, when it did (the next call starts it again).</param>
[GenerateSerializer, Immutable]
public sealed record TrainerJob(
    [property: Id(0)] long Version,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Silo,
    [property: Id(3)] DateTimeOffset StartedAt,
    [property: Id(4)] int Step,
    [property: Id(5)] int Steps,
    [property: Id(6)] double? Loss,
    [property: Id(7)] bool Done,
    [property: Id(8)] string? Error)
{
    /// <summary>The job that builds, warms up and evaluates version 0.</summary>
    public const string WarmUp = "warm-up";

    /// <summary>The job that trains on an iteration's responses and makes its version.</summary>
    public const string Update = "update";
}
