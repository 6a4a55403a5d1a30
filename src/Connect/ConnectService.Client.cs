using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Connect;

public sealed partial class ConnectService
{
    /// <summary>
    /// Client-side TLS settings from the current leaf and roots: present the leaf (with intermediates), require the
    /// server's chain to end in the current roots and its URI SAN to be <paramref name="expected"/>'s service
    /// (case-insensitive, trust domain ignored, as Consul compares). Build one per connection so rotation applies.
    /// </summary>
    public SslClientAuthenticationOptions CreateClientOptions(SpiffeId expected, IList<SslApplicationProtocol>? applicationProtocols = null)
        => BuildClientOptions(expected, applicationProtocols, new HandshakeNotes());

    internal SslClientAuthenticationOptions BuildClientOptions(SpiffeId expected, IList<SslApplicationProtocol>? applicationProtocols, HandshakeNotes notes)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var (leaf, roots) = Current();
        return new SslClientAuthenticationOptions
        {
            TargetHost = expected.Service,
            ClientCertificateContext = leaf.Context,
            CertificateChainPolicy = roots.ChainPolicy(ServerAuthOid),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ApplicationProtocols = applicationProtocols is { Count: > 0 } ? [.. applicationProtocols] : null,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => ValidatePeer("client", certificate, chain, errors, expected, notes),
        };
    }

    /// <summary>
    /// Resolves <paramref name="service"/> to a healthy instance (round robin), dials it, runs the TLS handshake and
    /// checks the server's identity. No retries, as Consul's <c>Dial</c>. Throws <see cref="ConnectException"/>.
    /// </summary>
    public ValueTask<ConnectPeer> DialAsync(string service, CancellationToken cancellationToken)
        => DialAsync(service, null, cancellationToken);

    public async ValueTask<ConnectPeer> DialAsync(string service, IList<SslApplicationProtocol>? applicationProtocols, CancellationToken cancellationToken)
    {
        Current();
        var endpoint = await ResolveAsync(service, cancellationToken).ConfigureAwait(false);
        return await DialAsync(endpoint, applicationProtocols, Options.DialTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Dials one known endpoint (a static resolver) with a TCP connect timeout.</summary>
    public ValueTask<ConnectPeer> DialAsync(ConnectEndpoint endpoint, IList<SslApplicationProtocol>? applicationProtocols, TimeSpan connectTimeout, CancellationToken cancellationToken)
        => DialAsync(endpoint, applicationProtocols, connectTimeout, static socket => new NetworkStream(socket, ownsSocket: true), cancellationToken);

    /// <summary>
    /// As <see cref="DialAsync(ConnectEndpoint, IList{SslApplicationProtocol}?, TimeSpan, CancellationToken)"/>, with
    /// TLS running over the stream <paramref name="transport"/> makes of the connected socket (it must own the socket),
    /// e.g. a proxy's stream that reads ahead and gathers records into fewer sends.
    /// </summary>
    public async ValueTask<ConnectPeer> DialAsync(ConnectEndpoint endpoint, IList<SslApplicationProtocol>? applicationProtocols, TimeSpan connectTimeout, Func<Socket, Stream> transport, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(transport);
        var notes = new HandshakeNotes();
        var options = BuildClientOptions(endpoint.ExpectedId, applicationProtocols, notes);
        var socket = await ConnectTcpAsync(endpoint.Host, endpoint.Port, connectTimeout, cancellationToken).ConfigureAwait(false);
        var ssl = new SslStream(transport(socket), leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.HandshakeTimeout);
        try
        {
            await ssl.AuthenticateAsClientAsync(options, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is AuthenticationException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            var reason = notes.Reason ?? (error is OperationCanceledException
                ? $"no TLS handshake within {Options.HandshakeTimeout.TotalMilliseconds:0} ms"
                : Unwrap(error).Message);
            throw new ConnectException(ConnectFailure.HandshakeFailed, $"TLS handshake with {endpoint.Host}:{endpoint.Port} ({endpoint.ExpectedId.Service}) failed: {reason}", error);
        }

        return new ConnectPeer(ssl, notes.PeerId!, notes.PeerSerial);
    }

    /// <summary>
    /// An HTTP handler that sends <c>https://&lt;service&gt;.service.consul/...</c> (or <c>http://</c>, or a bare
    /// service name as host) over Connect: the host names the upstream, which is resolved and dialed with
    /// <see cref="DialAsync(string, IList{SslApplicationProtocol}?, CancellationToken)"/>. HTTP/2 (gRPC) is chosen with
    /// ALPN h2 when the request asks for version 2.0 exactly or higher; otherwise HTTP/1.1.
    /// </summary>
    public HttpMessageHandler CreateHttpHandler()
        => new ConnectSchemeHandler(new SocketsHttpHandler
        {
            ConnectCallback = ConnectCallbackAsync,
            // Pooled connections are re-dialed now and then so they follow instance and certificate changes.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            EnableMultipleHttp2Connections = true,
        });

    /// <summary>An <see cref="HttpClient"/> over <see cref="CreateHttpHandler"/>.</summary>
    public HttpClient CreateHttpClient() => new(CreateHttpHandler(), disposeHandler: true);

    private async ValueTask<Stream> ConnectCallbackAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var service = ServiceFromHost(context.DnsEndPoint.Host);
        var request = context.InitialRequestMessage;
        var http2 = request.Version >= System.Net.HttpVersion.Version20 && request.VersionPolicy != HttpVersionPolicy.RequestVersionOrLower;
        var peer = await DialAsync(service, [http2 ? SslApplicationProtocol.Http2 : SslApplicationProtocol.Http11], cancellationToken).ConfigureAwait(false);
        return peer.Stream;
    }

    /// <summary><c>db.service.consul</c>, <c>db.service.dc1.consul</c> or just <c>db</c> → <c>db</c>.</summary>
    internal static string ServiceFromHost(string host)
    {
        var labels = host.Split('.');
        return labels.Length >= 3 && labels[1] == "service" && labels[^1] == "consul" ? labels[0] : host;
    }
}
