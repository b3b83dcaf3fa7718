using System.Net.Security;
using Orleans.Connections.Security;

namespace Orleans.GvmRaft.Silo.Backends;

/// <summary>The TLS settings every end of the cluster uses: mutual, and only the cluster's CA trusted.</summary>
public static class ClusterTls
{
    /// <summary>Configures <paramref name="tls"/> to present <paramref name="certificates"/>' certificate and demand one the cluster's CA issued.</summary>
    public static void Configure(TlsOptions tls, ClusterCertificates certificates)
    {
        ArgumentNullException.ThrowIfNull(tls);
        ArgumentNullException.ThrowIfNull(certificates);
        tls.LocalCertificate = certificates.Local;
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.RemoteCertificateValidation = (certificate, _, errors) => certificates.Accepts(certificate, errors);

        // SslStream builds the peer's chain before our check sees it; with its default policy that
        // build may fetch issuers named in the certificate. Ours trusts the CA file and fetches nothing.
        tls.OnAuthenticateAsServer = (_, options) =>
            ((SslServerAuthenticationOptions)options.SslServerAuthenticationOptions).CertificateChainPolicy = certificates.ChainPolicy();
        tls.OnAuthenticateAsClient = (_, options) =>
            ((SslClientAuthenticationOptions)options.SslClientAuthenticationOptions).CertificateChainPolicy = certificates.ChainPolicy();
    }
}
