using System.Net.Security;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Tls;

/// <summary>
/// Builds the per-connection handshake options of one interface from its settings and its current material, so a
/// reloaded certificate or CA is used from the next handshake on. Kestrel (HTTPS, TLS gRPC) and the server port both
/// take their options from here.
/// </summary>
public sealed partial class TlsHandshakeOptions(TlsSettings settings, TlsMaterialSource source, ILogger logger)
{
    public TlsSettings Settings => settings;

    public TlsMaterialSource Source => source;

    /// <summary>Accepting side. <paramref name="requiredPeerName"/> is the name a client certificate must carry, if any.</summary>
    public SslServerAuthenticationOptions Accept(List<SslApplicationProtocol>? alpn = null, string? requiredPeerName = null)
    {
        var material = source.Current;
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = material.CertificateContext,
            ClientCertificateRequired = settings.VerifyIncoming,
            RemoteCertificateValidationCallback = settings.VerifyIncoming
                ? PeerCertificateVerifier.Callback(() => material.Authorities, requiredPeerName, required: true, reason => Log.PeerRefused(logger, settings.Interface, reason))
                : null, // no client certificate is asked for
            EnabledSslProtocols = settings.Protocols,
            CipherSuitesPolicy = TlsCipherSuites.Policy(settings.CipherSuites),
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            ApplicationProtocols = alpn,
        };
    }

    /// <summary>Dialling side (server to server): presents this server's certificate and verifies the peer's.</summary>
    public SslClientAuthenticationOptions Dial(string serverName)
    {
        var material = source.Current;
        return new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            ClientCertificateContext = material.CertificateContext,
            RemoteCertificateValidationCallback = PeerCertificateVerifier.Callback(
                () => material.Authorities,
                settings.VerifyServerHostname ? serverName : null,
                required: true,
                reason => Log.ServerRefused(logger, settings.Interface, reason)),
            EnabledSslProtocols = settings.Protocols,
            CipherSuitesPolicy = TlsCipherSuites.Policy(settings.CipherSuites),
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4211, Level = LogLevel.Warning, Message = "tls.{Interface}: refused a client certificate: {Reason}")]
        public static partial void PeerRefused(ILogger logger, string @interface, string reason);

        [LoggerMessage(EventId = 4212, Level = LogLevel.Warning, Message = "tls.{Interface}: refused the certificate of a server dialled: {Reason}")]
        public static partial void ServerRefused(ILogger logger, string @interface, string reason);
    }
}
