using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Orleans.GvmRaft.Silo.Backends;

/// <summary>Loads a cluster end's certificate and CA, and decides whether a peer's certificate belongs to the cluster.</summary>
public sealed class ClusterCertificates
{
    private readonly X509Certificate2Collection _authority;

    private ClusterCertificates(X509Certificate2 local, X509Certificate2Collection authority)
    {
        Local = local;
        _authority = authority;
    }

    /// <summary>This end's certificate, with its private key.</summary>
    public X509Certificate2 Local { get; }

    /// <summary>
    /// Loads the certificate and CA <paramref name="options"/> name (validated first); settings are
    /// named in messages by <paramref name="name"/> (the silo's <c>Gvm:Silo:Tls:*</c> by default).
    /// </summary>
    /// <exception cref="OptionsValidationException">A setting is invalid, a file cannot be read as what it should be, or the certificate is not one of the CA's; the message names the setting.</exception>
    public static ClusterCertificates Load(ClusterTlsOptions options, Func<string, string>? name = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        name ??= ClusterTlsOptions.SiloSetting;
        var errors = options.Validate(name).ToList();
        if (!options.Enabled)
        {
            errors.Add($"{name(nameof(ClusterTlsOptions.CertificatePath))} must be set for TLS.");
        }

        if (errors.Count > 0)
        {
            throw Invalid(errors);
        }

        string source = string.IsNullOrWhiteSpace(options.Subject)
            ? $"{name(nameof(ClusterTlsOptions.CertificatePath))} '{options.CertificatePath}'"
            : $"{name(nameof(ClusterTlsOptions.Subject))} '{options.Subject}'";
        var authority = Attempt($"{name(nameof(ClusterTlsOptions.CaPath))} '{options.CaPath}'", () =>
        {
            var ca = new X509Certificate2Collection();
            ca.ImportFromPemFile(options.CaPath!);
            if (ca.Count == 0)
            {
                ca.Add(X509CertificateLoader.LoadCertificateFromFile(options.CaPath!));
            }

            return ca;
        });
        var local = Attempt(source, () => LoadLocal(options, authority));
        if (!local.HasPrivateKey)
        {
            throw Invalid([$"{source} has no private key: set {name(nameof(ClusterTlsOptions.KeyPath))} to its PEM key, or use a .pfx that holds it."]);
        }

        var certificates = new ClusterCertificates(local, authority);
        var usages = local.Extensions.OfType<X509EnhancedKeyUsageExtension>().SelectMany(e => e.EnhancedKeyUsages.Cast<Oid>()).Select(o => o.Value).ToList();
        if (usages.Count > 0 && !(usages.Contains(ServerAuthentication) && usages.Contains(ClientAuthentication)))
        {
            throw Invalid([$"{source} must allow both TLS server and client authentication (extended key usage serverAuth and clientAuth): every end of the cluster is both."]);
        }

        // This end's own certificate must pass the test it puts its peers to, or it starts and then cannot talk to anyone.
        var (valid, status) = Check(local, authority);
        if (!valid)
        {
            throw Invalid([$"{source} is not a valid certificate of {name(nameof(ClusterTlsOptions.CaPath))} '{options.CaPath}' ({status}; valid {local.NotBefore:u} to {local.NotAfter:u}, outside its validity or not issued by that CA)."]);
        }

        return certificates;
    }

    // Extended key usages (RFC 5280).
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>
    /// Whether <paramref name="peer"/> chains to the cluster's CA and is within its validity. The
    /// certificates of <see cref="ClusterTlsOptions.CaPath"/> are the only roots and the only
    /// intermediates, and nothing is downloaded (a peer's certificate must not make the silo fetch
    /// a URL). The host name is not checked: silos reach each other by address, and membership,
    /// not DNS, says who they are; the CA is what vouches for a peer.
    /// </summary>
    public bool Accepts(X509Certificate2 peer, SslPolicyErrors errors) =>
        !errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) && Check(peer, _authority).Valid;

    /// <summary>The chain policy of the handshake itself: SslStream builds its own chain first, and it must not download either.</summary>
    public X509ChainPolicy ChainPolicy() => Policy(_authority);

    private static X509ChainPolicy Policy(X509Certificate2Collection authority)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            DisableCertificateDownloads = true,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(authority);
        policy.ExtraStore.AddRange(authority);
        return policy;
    }

    private static (bool Valid, string Status) Check(X509Certificate2 certificate, X509Certificate2Collection authority)
    {
        using var chain = new X509Chain { ChainPolicy = Policy(authority) };
        bool valid = chain.Build(certificate);
        return (valid, string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct()));
    }

    private static X509Certificate2 LoadLocal(ClusterTlsOptions options, X509Certificate2Collection authority)
    {
        if (!string.IsNullOrWhiteSpace(options.Subject))
        {
            using var store = new X509Store(
                Enum.Parse<StoreName>(options.StoreName, ignoreCase: true), Enum.Parse<StoreLocation>(options.StoreLocation, ignoreCase: true));
            store.Open(OpenFlags.ReadOnly);

            // The exact subject (CN=...), with its key, issued by the cluster's CA and valid now;
            // after a rotation the newest. A namesake from another CA is passed over.
            var candidates = store.Certificates
                .Where(c => c.GetNameInfo(X509NameType.SimpleName, forIssuer: false) == options.Subject || c.Subject == options.Subject)
                .Where(c => c.HasPrivateKey && Check(c, authority).Valid)
                .OrderByDescending(c => c.NotAfter)
                .ToList();
            return candidates.Count > 0
                ? candidates[0]
                : throw new CryptographicException($"no certificate with subject '{options.Subject}', a private key, issued by the cluster's CA and valid now in {options.StoreLocation}/{options.StoreName}");
        }

        string path = options.CertificatePath!;
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is ".pfx" or ".p12")
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, options.Password);
        }

        using var pem = string.IsNullOrEmpty(options.Password)
            ? X509Certificate2.CreateFromPemFile(path, options.KeyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(path, options.Password, options.KeyPath);

        // An ephemeral PEM key cannot be used by SslStream on every platform; a PKCS#12 round trip makes it a stored one.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static T Attempt<T>(string source, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw Invalid([$"{source} could not be loaded: {e.Message.TrimEnd('.')}."]);
        }
    }

    private static OptionsValidationException Invalid(IEnumerable<string> errors) =>
        new(ClusterTlsOptions.SectionName, typeof(ClusterTlsOptions), errors);
}
