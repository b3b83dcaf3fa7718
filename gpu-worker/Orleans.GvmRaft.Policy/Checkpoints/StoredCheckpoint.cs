namespace Orleans.GvmRaft.Policy.Checkpoints;

/// <summary>A version in a checkpoint store: where it is and its content hash.</summary>
/// <param name="Location">Its place in the store, as the store names it.</param>
/// <param name="Hash">SHA-256 of its manifest.</param>
public sealed record StoredCheckpoint(string Location, string Hash);
