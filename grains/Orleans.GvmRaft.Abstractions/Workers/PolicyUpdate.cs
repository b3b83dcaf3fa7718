namespace Orleans.GvmRaft.Workers;

/// <summary>What an update (or the preparation, version 0) made.</summary>
/// <param name="Version">The policy version now current.</param>
/// <param name="Examples">Responses the update trained on.</param>
/// <param name="Loss">Token-mean −log π of those responses before each step; null when nothing was trained.</param>
/// <param name="EvalAccuracy">Held-out accuracy of the new version, when evaluated.</param>
/// <param name="ClipFraction">Mean share of response tokens per optimiser step where the ratio's clip bound; null when nothing was trained.</param>
/// <param name="CheckpointHash">The stored version's hash (its manifest's SHA-256): version 0's is the run's policy lineage.</param>
/// <param name="ApproxKl">Mean k3 estimate of KL(π_old ‖ π_θ) per optimiser step; null when nothing was trained.</param>
[GenerateSerializer, Immutable]
public sealed record PolicyUpdate(
    [property: Id(0)] long Version,
    [property: Id(1)] int Examples,
    [property: Id(2)] double? Loss,
    [property: Id(3)] double? EvalAccuracy,
    [property: Id(4)] double? ClipFraction = null,
    [property: Id(5)] double? ApproxKl = null,
    [property: Id(6)] string? CheckpointHash = null);
