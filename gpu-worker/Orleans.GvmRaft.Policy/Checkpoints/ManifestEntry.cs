namespace Orleans.GvmRaft.Policy.Checkpoints;

/// <summary>One file of a stored checkpoint version.</summary>
/// <param name="Name">Its name in the version's folder.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Sha256">Its SHA-256, lower-case hex.</param>
public sealed record ManifestEntry(string Name, long Bytes, string Sha256);
