using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Agent.Tls;

/// <summary>
/// Checks a peer's certificate against the configured CAs only (never the system store), and, for server traffic
/// with <c>verify_server_hostname</c>, that it is valid for <c>server.&lt;datacenter&gt;.&lt;domain&gt;</c>.
/// </summary>
public static class PeerCertificateVerifier
{
    /// <returns>Null when the certificate is acceptable; otherwise why not.</returns>
    public static string? Check(X509Certificate? presented, X509Chain? presentedChain, X509Certificate2Collection authorities, string? requiredName)
    {
        if (presented is null)
        {
            return "no certificate was presented";
        }

        if (authorities.Count == 0)
        {
            return "no CA is configured to verify it (ca_file or ca_path)";
        }

        var certificate = presented as X509Certificate2 ?? new X509Certificate2(presented);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presentedChain is not null)
        {
            foreach (var element in presentedChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (!chain.Build(certificate))
        {
            var status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            return $"certificate {certificate.Subject} is not signed by a configured CA ({status})";
        }

        if (requiredName is not null && !certificate.MatchesHostname(requiredName, allowWildcards: false, allowCommonName: false))
        {
            return $"certificate {certificate.Subject} is not valid for {requiredName} (verify_server_hostname)";
        }

        return null;
    }

    /// <summary>A validation callback for <see cref="SslStream"/>: <paramref name="onRefused"/> hears why a peer was refused.</summary>
    public static RemoteCertificateValidationCallback Callback(Func<X509Certificate2Collection> authorities, string? requiredName, bool required, Action<string> onRefused)
        => (_, certificate, chain, _) =>
        {
            if (certificate is null && !required)
            {
                return true;
            }

            var problem = Check(certificate, chain, authorities(), requiredName);
            if (problem is not null)
            {
                onRefused(problem);
            }

            return problem is null;
        };
}
