namespace Orleans.GvmRaft.Silo.Backends;

/// <summary>
/// TLS between silos, and between clients and gateways (section <c>Gvm:Silo:Tls</c> on a silo;
/// <c>--tls-cert</c>, <c>--tls-key</c>, <c>--tls-ca</c> on the client). Mutual: both ends present a
/// certificate, and each accepts only certificates issued by the cluster's CA
/// (<see cref="CaPath"/>), so only holders of a cluster certificate can join or call.
/// </summary>
public sealed class ClusterTlsOptions
{
    /// <summary>The configuration section on a silo.</summary>
    public const string SectionName = "Gvm:Silo:Tls";

    /// <summary>This end's certificate: a PEM file (with <see cref="KeyPath"/>, or the key in the same file) or a PKCS#12 file (.pfx/.p12).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/>, when it is not in the same file.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The password of a PKCS#12 file or an encrypted PEM key: from the environment (<c>Gvm__Silo__Tls__Password</c>), never the command line.</summary>
    public string? Password { get; set; }

    /// <summary>Instead of a file: the subject of a certificate in the machine's store (<see cref="StoreName"/>, <see cref="StoreLocation"/>).</summary>
    public string? Subject { get; set; }

    /// <summary>The store <see cref="Subject"/> is looked up in (My, Root, ...).</summary>
    public string StoreName { get; set; } = "My";

    /// <summary>CurrentUser or LocalMachine.</summary>
    public string StoreLocation { get; set; } = "CurrentUser";

    /// <summary>The cluster's CA certificate (PEM or DER): a peer's certificate must chain to it.</summary>
    public string? CaPath { get; set; }

    /// <summary>Whether TLS is configured at all: a certificate by file or by subject.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(Subject);

    /// <summary>One message per invalid setting, named by <paramref name="prefix"/> (e.g. <c>Gvm:Silo:Tls</c>).</summary>
    public IEnumerable<string> Validate(string prefix = SectionName)
    {
        if (!Enabled)
        {
            if (!string.IsNullOrWhiteSpace(CaPath) || !string.IsNullOrWhiteSpace(KeyPath))
            {
                yield return $"{prefix}:CaPath and {prefix}:KeyPath need a certificate: set {prefix}:CertificatePath (or {prefix}:Subject).";
            }

            yield break;
        }

        if (!string.IsNullOrWhiteSpace(CertificatePath) && !string.IsNullOrWhiteSpace(Subject))
        {
            yield return $"{prefix}:CertificatePath and {prefix}:Subject both name a certificate: set one.";
        }

        foreach (var (setting, path) in new[] { ("CertificatePath", CertificatePath), ("KeyPath", KeyPath), ("CaPath", CaPath) })
        {
            if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
            {
                yield return $"{prefix}:{setting} '{path}' does not exist.";
            }
        }

        if (string.IsNullOrWhiteSpace(CaPath))
        {
            yield return $"{prefix}:CaPath must name the cluster's CA certificate: without it any certificate a public CA signed would be let in.";
        }

        if (!Enum.TryParse<System.Security.Cryptography.X509Certificates.StoreName>(StoreName, ignoreCase: true, out _))
        {
            yield return $"{prefix}:StoreName must be a certificate store name such as My or Root (got '{StoreName}').";
        }

        if (!Enum.TryParse<System.Security.Cryptography.X509Certificates.StoreLocation>(StoreLocation, ignoreCase: true, out _))
        {
            yield return $"{prefix}:StoreLocation must be CurrentUser or LocalMachine (got '{StoreLocation}').";
        }
    }
}
