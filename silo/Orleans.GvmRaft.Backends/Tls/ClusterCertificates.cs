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

    /// <summary>Loads the certificate and CA <paramref name="options"/> name (validated first).</summary>
    /// <exception cref="OptionsValidationException">A setting is invalid, or a file cannot be read as what it should be; the message names the setting.</exception>
    public static ClusterCertificates Load(ClusterTlsOptions options, string prefix = ClusterTlsOptions.SectionName)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate(prefix).ToList();
        if (!options.Enabled)
        {
            errors.Add($"{prefix}:CertificatePath must be set for TLS.");
        }

        if (errors.Count > 0)
        {
            throw Invalid(prefix, errors);
        }

        var local = Attempt(prefix, string.IsNullOrWhiteSpace(options.Subject) ? "CertificatePath" : "Subject", () => LoadLocal(options));
        if (!local.HasPrivateKey)
        {
            throw Invalid(prefix, [$"{prefix}:CertificatePath '{options.CertificatePath ?? options.Subject}' has no private key: set {prefix}:KeyPath to its PEM key, or use a .pfx that holds it."]);
        }

        var authority = Attempt(prefix, "CaPath", () =>
        {
            var ca = new X509Certificate2Collection();
            ca.ImportFromPemFile(options.CaPath!);
            if (ca.Count == 0)
            {
                ca.Add(X509CertificateLoader.LoadCertificateFromFile(options.CaPath!));
            }

            return ca;
        });
        return new ClusterCertificates(local, authority);
    }

    /// <summary>
    /// Whether <paramref name="peer"/> chains to the cluster's CA (and is within its validity).
    /// The host name is not checked: silos reach each other by address, and membership, not DNS,
    /// says who they are; the CA is what vouches for a peer.
    /// </summary>
    public bool Accepts(X509Certificate2 peer, SslPolicyErrors errors)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(peer);
    }

    private static X509Certificate2 LoadLocal(ClusterTlsOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Subject))
        {
            using var store = new X509Store(
                Enum.Parse<StoreName>(options.StoreName, ignoreCase: true), Enum.Parse<StoreLocation>(options.StoreLocation, ignoreCase: true));
            store.Open(OpenFlags.ReadOnly);
            var found = store.Certificates.Find(X509FindType.FindBySubjectName, options.Subject, validOnly: false);
            return found.Count > 0
                ? found[0]
                : throw new CryptographicException($"no certificate with subject '{options.Subject}' in {options.StoreLocation}/{options.StoreName}");
        }

        string path = options.CertificatePath!;
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is ".pfx" or ".p12")
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, options.Password);
        }

        var pem = string.IsNullOrEmpty(options.Password)
            ? X509Certificate2.CreateFromPemFile(path, options.KeyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(path, options.Password, options.KeyPath);

        // An ephemeral PEM key cannot be used by SslStream on every platform; a PKCS#12 round trip makes it a stored one.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static T Attempt<T>(string prefix, string setting, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw Invalid(prefix, [$"{prefix}:{setting} could not be loaded: {e.Message.TrimEnd('.')}."]);
        }
    }

    private static OptionsValidationException Invalid(string prefix, IEnumerable<string> errors) =>
        new(prefix, typeof(ClusterTlsOptions), errors);
}
