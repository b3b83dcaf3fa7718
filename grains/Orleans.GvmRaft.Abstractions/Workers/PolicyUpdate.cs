namespace Orleans.GvmRaft.Workers;

/// <summary>What an update (or the preparation, version 0) made.</summary>
/// <param name="Version">The policy version now current.</param>
/// <param name="Examples">Responses the update trained on.</param>
/// <param name="Loss">Token-mean −log π of those responses before each step; null when nothing was trained.</param>
/// <param name="EvalAccuracy">Held-out accuracy of the new version, when evaluated.</param>
[GenerateSerializer, Immutable]
public sealed record PolicyUpdate(
    [property: Id(0)] long Version,
    [property: Id(1)] int Examples,
    [property: Id(2)] double? Loss,
    [property: Id(3)] double? EvalAccuracy);
