namespace Orleans.GvmRaft.Client.Cluster;

/// <summary>
/// The client's own settings for reaching a cluster are unusable (a TLS file missing or invalid,
/// a malformed connection string): nothing was tried, and trying again as it is cannot help.
/// </summary>
public sealed class ClientSettingsException(string message, Exception inner) : ArgumentException(message, inner);
