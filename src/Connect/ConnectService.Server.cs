using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Connect;

public sealed partial class ConnectService
{
    /// <summary>
    /// Server-side TLS settings built from the current leaf and roots: a client certificate is required and must chain
    /// to the current roots, carry ExtKeyUsage ClientAuth and a Connect service URI. Intentions are checked after the
    /// handshake (an authorize call is asynchronous): call <see cref="AuthorizeAsync"/> before using the stream, or use
    /// <see cref="AcceptAsync"/> or the Kestrel extension, which do. Build one per connection so rotation applies.
    /// </summary>
    public SslServerAuthenticationOptions CreateServerOptions(IList<SslApplicationProtocol>? applicationProtocols = null)
        => BuildServerOptions(applicationProtocols, new HandshakeNotes());

    internal SslServerAuthenticationOptions BuildServerOptions(IList<SslApplicationProtocol>? applicationProtocols, HandshakeNotes notes)
    {
        var (leaf, roots) = Current();
        var alpn = applicationProtocols ?? [.. Options.ServerApplicationProtocols];
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = leaf.Context,
            ClientCertificateRequired = true,
            CertificateChainPolicy = roots.ChainPolicy(ClientAuthOid),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ApplicationProtocols = alpn.Count == 0 ? null : [.. alpn],
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => ValidatePeer("server", certificate, chain, errors, expected: null, notes),
        };
    }

    /// <summary>
    /// May the client that presented <paramref name="clientCertificate"/> connect to this service? Asks
    /// <c>/v1/agent/connect/authorize</c> (cached per caller, cleared on intention changes). Fails closed.
    /// </summary>
    public async ValueTask<AuthorizeDecision> AuthorizeAsync(X509Certificate? clientCertificate, CancellationToken cancellationToken)
    {
        if (clientCertificate is null)
        {
            return new AuthorizeDecision(false, "no client certificate");
        }

        var certificate = clientCertificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(clientCertificate.GetRawCertData());
        var id = SpiffeId.FromCertificate(certificate);
        if (id is null)
        {
            return new AuthorizeDecision(false, "the client certificate has no Connect service URI");
        }

        var decision = await _authorizer.AuthorizeAsync(id.ToString(), SerialOf(certificate), cancellationToken).ConfigureAwait(false);
        if (!decision.Allowed)
        {
            ConnectLog.AuthorizeDenied(_logger, id.ToString(), ServiceName, decision.Reason);
        }

        return decision;
    }

    /// <summary>
    /// Server side of one connection: the TLS handshake (bounded by <see cref="ConnectServiceOptions.HandshakeTimeout"/>)
    /// and the authorize check. Throws <see cref="ConnectException"/> (and disposes the stream) when refused.
    /// </summary>
    public ValueTask<ConnectPeer> AcceptAsync(Stream transport, IList<SslApplicationProtocol>? applicationProtocols, CancellationToken cancellationToken)
        => AcceptAsync(transport, applicationProtocols, Options.HandshakeTimeout, cancellationToken);

    /// <summary>As <see cref="AcceptAsync(Stream, IList{SslApplicationProtocol}?, CancellationToken)"/> with this handshake timeout.</summary>
    public async ValueTask<ConnectPeer> AcceptAsync(Stream transport, IList<SslApplicationProtocol>? applicationProtocols, TimeSpan handshakeTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var notes = new HandshakeNotes();
        SslServerAuthenticationOptions options;
        try
        {
            options = BuildServerOptions(applicationProtocols, notes);
        }
        catch (ConnectException)
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var ssl = new SslStream(transport, leaveInnerStreamOpen: false);
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(handshakeTimeout);
            try
            {
                await ssl.AuthenticateAsServerAsync(options, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception error) when (error is AuthenticationException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
                var reason = notes.Reason ?? (error is OperationCanceledException
                    ? $"no TLS handshake within {handshakeTimeout.TotalMilliseconds:0} ms"
                    : Unwrap(error).Message);
                throw new ConnectException(ConnectFailure.HandshakeFailed, "TLS handshake failed: " + reason, error);
            }
        }

        var decision = await AuthorizeAsync(ssl.RemoteCertificate, cancellationToken).ConfigureAwait(false);
        if (!decision.Allowed)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new ConnectException(ConnectFailure.Denied, $"connect: authz denied for {notes.PeerId}: {decision.Reason}");
        }

        return new ConnectPeer(ssl, notes.PeerId!, notes.PeerSerial);
    }

    private bool ValidatePeer(string side, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, SpiffeId? expected, HandshakeNotes notes)
    {
        string? reason = null;
        SpiffeId? id = null;
        X509Certificate2? peer = null;
        if (certificate is null)
        {
            reason = "the peer presented no certificate";
        }
        else if ((errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) != SslPolicyErrors.None)
        {
            var status = chain is null ? errors.ToString() : string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            reason = $"the peer certificate \"{certificate.Subject}\" does not chain to the current Connect roots ({status})";
        }
        else
        {
            peer = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            id = SpiffeId.FromCertificate(peer);
            if (id is null)
            {
                reason = $"the peer certificate \"{certificate.Subject}\" has no Connect service URI";
            }
            else if (expected is not null && !id.SameServiceAs(expected))
            {
                reason = $"the peer is {id}, expected {expected}";
            }
        }

        if (reason is not null)
        {
            notes.Reason = reason;
            ConnectLog.PeerRejected(_logger, side, reason);
            return false;
        }

        notes.PeerId = id;
        notes.PeerSerial = SerialOf(peer!);
        return true;
    }
}
