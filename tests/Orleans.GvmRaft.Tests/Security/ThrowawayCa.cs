using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Orleans.GvmRaft.Tests.Security;

/// <summary>
/// A certificate authority made for one test, in a temporary folder: its certificate, and
/// certificates it issues for silos and clients (PEM files, the key beside the certificate).
/// </summary>
public sealed class ThrowawayCa : IDisposable
{
    private readonly X509Certificate2 _certificate;
    private readonly string _folder;

    private ThrowawayCa(string name, X509Certificate2 certificate, string folder, string? parentPem = null)
    {
        Name = name;
        _certificate = certificate;
        _folder = folder;
        CaPath = Path.Combine(folder, $"{name}.ca.pem");

        // An intermediate's file holds its root after it, as Gvm:Silo:Tls:CaPath may.
        File.WriteAllText(CaPath, certificate.ExportCertificatePem() + "\n" + (parentPem ?? ""));
    }

    /// <summary>The CA's name.</summary>
    public string Name { get; }

    /// <summary>The CA certificate (PEM), what <c>Gvm:Silo:Tls:CaPath</c> and <c>--tls-ca</c> name.</summary>
    public string CaPath { get; }

    /// <summary>A new CA, self-signed, valid from yesterday to tomorrow.</summary>
    public static ThrowawayCa Create(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = AuthorityRequest(name, key);
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        string folder = Path.Combine(Path.GetTempPath(), $"gvm-ca-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return new ThrowawayCa(name, certificate, folder);
    }

    /// <summary>An intermediate CA this one issues; its <see cref="CaPath"/> holds it and this CA.</summary>
    public ThrowawayCa CreateIntermediate(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = AuthorityRequest(name, key);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using var issued = request.Create(_certificate, DateTimeOffset.UtcNow.AddHours(-2), DateTimeOffset.UtcNow.AddHours(20), Serial());
        return new ThrowawayCa(name, issued.CopyWithPrivateKey(key), _folder, _certificate.ExportCertificatePem());
    }

    /// <summary>Issues a certificate for <paramref name="subject"/>, good for both ends of a TLS connection (valid for 12 hours unless <paramref name="expired"/>); returns its PEM files.</summary>
    public (string Certificate, string Key) Issue(string subject, bool expired = false)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"), new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(subject);
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var from = DateTimeOffset.UtcNow.AddHours(-1);
        using var certificate = request.Create(_certificate, from, expired ? from.AddMinutes(30) : from.AddHours(12), Serial());
        string path = Path.Combine(_folder, $"{subject}.pem");
        string keyPath = Path.Combine(_folder, $"{subject}.key");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (path, keyPath);
    }

    /// <summary>
    /// A CA file that trusts both <paramref name="first"/> and <paramref name="second"/>: given to an
    /// outsider, it accepts the cluster, so a refusal can only come from the end under test.
    /// </summary>
    public static string TrustingBoth(ThrowawayCa first, ThrowawayCa second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        string path = Path.Combine(first._folder, $"{first.Name}+{second.Name}.ca.pem");
        File.WriteAllText(path, File.ReadAllText(first.CaPath) + "\n" + File.ReadAllText(second.CaPath));
        return path;
    }

    /// <summary>Silo settings that give a silo <paramref name="subject"/>'s certificate and this CA.</summary>
    public Dictionary<string, string?> SiloSettings(string subject, string? caPath = null)
    {
        var (certificate, key) = Issue(subject);
        return new()
        {
            ["Gvm:Silo:Tls:CertificatePath"] = certificate,
            ["Gvm:Silo:Tls:KeyPath"] = key,
            ["Gvm:Silo:Tls:CaPath"] = caPath ?? CaPath,
        };
    }

    /// <summary>Client TLS options with <paramref name="subject"/>'s certificate, trusting this CA (or <paramref name="caPath"/>).</summary>
    public Silo.Backends.ClusterTlsOptions ClientOptions(string subject, string? caPath = null)
    {
        var (certificate, key) = Issue(subject);
        return new() { CertificatePath = certificate, KeyPath = key, CaPath = caPath ?? CaPath };
    }

    private static CertificateRequest AuthorityRequest(string name, ECDsa key)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request;
    }

    private static byte[] Serial()
    {
        byte[] serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        return serial;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _certificate.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
