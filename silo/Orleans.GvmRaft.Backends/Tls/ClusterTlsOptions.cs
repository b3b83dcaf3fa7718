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

    /// <summary>
    /// The cluster's CA certificate (PEM or DER): a peer's certificate must chain to it. A PEM file
    /// may hold intermediate CAs after the root (the ends send their own certificate only).
    /// </summary>
    public string? CaPath { get; set; }

    /// <summary>Whether TLS is configured at all: a certificate by file or by subject.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(Subject);

    /// <summary>The names of the settings on a silo: <c>Gvm:Silo:Tls:CertificatePath</c>, ...</summary>
    public static string SiloSetting(string property) => $"{SectionName}:{property}";

    /// <summary>One message per invalid setting, each named by <paramref name="name"/> (the silo's names by default).</summary>
    public IEnumerable<string> Validate(Func<string, string>? name = null)
    {
        name ??= SiloSetting;
        if (!Enabled)
        {
            foreach (var (property, value) in new[] { (nameof(CaPath), CaPath), (nameof(KeyPath), KeyPath) })
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    yield return $"{name(property)} needs a certificate: set {name(nameof(CertificatePath))} too.";
                }
            }

            yield break;
        }

        if (!string.IsNullOrWhiteSpace(CertificatePath) && !string.IsNullOrWhiteSpace(Subject))
        {
            yield return $"{name(nameof(CertificatePath))} and {name(nameof(Subject))} both name a certificate: set one.";
        }

        foreach (var (property, path) in new[] { (nameof(CertificatePath), CertificatePath), (nameof(KeyPath), KeyPath), (nameof(CaPath), CaPath) })
        {
            if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
            {
                yield return $"{name(property)} '{path}' does not exist.";
            }
        }

        if (string.IsNullOrWhiteSpace(CaPath))
        {
            yield return $"{name(nameof(CaPath))} must name the cluster's CA certificate: without it any certificate a public CA signed would be let in.";
        }

        if (!Enum.TryParse<System.Security.Cryptography.X509Certificates.StoreName>(StoreName, ignoreCase: true, out _))
        {
            yield return $"{name(nameof(StoreName))} must be a certificate store name such as My or Root (got '{StoreName}').";
        }

        if (!Enum.TryParse<System.Security.Cryptography.X509Certificates.StoreLocation>(StoreLocation, ignoreCase: true, out _))
        {
            yield return $"{name(nameof(StoreLocation))} must be CurrentUser or LocalMachine (got '{StoreLocation}').";
        }
    }
}
