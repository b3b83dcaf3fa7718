namespace Orleans.GvmRaft.Client.Cluster;

/// <summary>No silo answered at the configured gateway.</summary>
public sealed class ClusterUnavailableException(string message, Exception inner) : Exception(message, inner);
