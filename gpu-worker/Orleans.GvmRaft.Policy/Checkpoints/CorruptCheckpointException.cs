namespace Orleans.GvmRaft.Policy.Checkpoints;

/// <summary>A stored checkpoint whose files do not match its hash: it is refused, never loaded.</summary>
public sealed class CorruptCheckpointException(string message) : IOException(message);
