using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Connect;

/// <summary>
/// A Connect-native service identity, the equivalent of Consul's Go <c>connect.Service</c>. It keeps the service's
/// leaf certificate and the CA roots current through blocking queries on <c>/v1/agent/connect/ca/leaf/:service</c>
/// and <c>/v1/agent/connect/ca/roots</c> (the server holds the leaf query until renewal time or a root change), and
/// builds TLS settings from whatever is current at each handshake, so long-lived listeners and clients follow
/// rotation without restart.
/// </summary>
public sealed partial class ConnectService : IAsyncDisposable
{
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, Lazy<HealthyInstanceWatch>> _upstreams = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Task> _watches = [];
    private readonly Lock _watchesGate = new();
    private readonly ILogger _logger;
    private readonly IntentionAuthorizer _authorizer;
    private volatile CaRoots? _roots;
    private volatile LeafCertificate? _leaf;

    private ConnectService(string serviceName, ConnectServiceOptions options, ILoggerFactory loggerFactory)
    {
        ServiceName = serviceName;
        Options = options;
        _logger = loggerFactory.CreateLogger("Mesh.Connect");
        Api = new ConnectApiClient(options.Api ?? ConnectApiOptions.FromEnvironment());
        _authorizer = new IntentionAuthorizer(Api, serviceName, _logger, options.AuthorizeCacheTtl);
    }

    public string ServiceName { get; }

    public ConnectServiceOptions Options { get; }

    public ConnectApiClient Api { get; }

    /// <summary>Completes once a leaf and the roots are loaded (Consul's <c>ReadyWait</c>).</summary>
    public Task Ready => _ready.Task;

    public CaRoots? Roots => _roots;

    public LeafCertificate? Leaf => _leaf;

    /// <summary>How many authorize calls went to the server (the rest were answered from the cache).</summary>
    public long AuthorizeCalls => _authorizer.CallCount;

    /// <summary>Raised after the leaf or the roots changed (on a thread-pool thread).</summary>
    public event EventHandler? CertificatesChanged;

    /// <summary>Starts the watches for <paramref name="serviceName"/>; the token needs <c>service:write</c> on it.</summary>
    public static ConnectService Start(string serviceName, ConnectServiceOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        var service = new ConnectService(serviceName, options ?? new ConnectServiceOptions(), loggerFactory ?? NullLoggerFactory.Instance);
        service.StartWatch(service.WatchRootsAsync);
        service.StartWatch(service.WatchLeafAsync);
        service.StartWatch(service._authorizer.WatchAsync);
        return service;
    }

    private void StartWatch(Func<CancellationToken, Task> watch)
    {
        lock (_watchesGate)
        {
            _watches.Add(Task.Run(() => watch(_stop.Token)));
        }
    }

    private Task WatchRootsAsync(CancellationToken cancellationToken)
        => BlockingWatch.RunAsync("roots watch", async (index, ct) =>
        {
            var response = await Api.GetAsync("/v1/agent/connect/ca/roots", index, ct).ConfigureAwait(false);
            if (response.Index != index || _roots is null)
            {
                var roots = CaRoots.Parse(response.Body, response.Index);
                if (roots.Certificates.Count == 0 || roots.TrustDomain.Length == 0)
                {
                    throw new ConnectApiException("connect not bootstrapped: the roots have no trust domain or certificate");
                }

                _roots = roots;
                ConnectLog.RootsUpdated(_logger, ServiceName, roots.TrustDomain, roots.ActiveRootId, roots.Certificates.Count);
                Changed();
            }

            return response.Index;
        }, _logger, cancellationToken);

    private Task WatchLeafAsync(CancellationToken cancellationToken)
        => BlockingWatch.RunAsync("leaf watch", async (index, ct) =>
        {
            var response = await Api.GetAsync($"/v1/agent/connect/ca/leaf/{Uri.EscapeDataString(ServiceName)}", index, ct).ConfigureAwait(false);
            if (response.Index != index || _leaf is null)
            {
                LeafCertificate leaf;
                try
                {
                    leaf = LeafCertificate.Parse(response.Body, response.Index);
                }
                catch (System.Security.Cryptography.CryptographicException error)
                {
                    ConnectLog.LeafUnusable(_logger, ServiceName, error.Message);
                    throw;
                }

                _leaf = leaf;
                ConnectLog.LeafUpdated(_logger, ServiceName, leaf.SerialNumber, leaf.ValidBefore);
                Changed();
            }

            return response.Index;
        }, _logger, cancellationToken);

    private void Changed()
    {
        if (_roots is not null && _leaf is not null)
        {
            _ready.TrySetResult();
        }

        CertificatesChanged?.Invoke(this, EventArgs.Empty);
    }

    private (LeafCertificate Leaf, CaRoots Roots) Current()
        => (_leaf, _roots) is ({ } leaf, { } roots)
            ? (leaf, roots)
            : throw new ConnectException(ConnectFailure.NotReady, $"connect: no leaf certificate or roots for \"{ServiceName}\" yet (is the server reachable?)");

    /// <summary>Clears cached authorize decisions (the intention watch does this on every change).</summary>
    public void InvalidateAuthorizations() => _authorizer.Invalidate(0);

    private static string Hex(byte[] serial)
    {
        // Serial numbers as Consul writes them: colon-separated lower-case hex of the big-endian bytes.
        return string.Join(':', serial.Reverse().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }

    internal static string SerialOf(X509Certificate2 certificate) => Hex(certificate.GetSerialNumber());

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Task[] watches;
        lock (_watchesGate)
        {
            watches = [.. _watches];
        }

        await Task.WhenAll(watches).ConfigureAwait(false);
        Api.Dispose();
        _stop.Dispose();
    }

    private HealthyInstanceWatch Upstream(string service)
        => _upstreams.GetOrAdd(service, name => new Lazy<HealthyInstanceWatch>(() =>
        {
            var watch = new HealthyInstanceWatch(Api, name, () => _roots?.TrustDomain ?? "consul", _logger);
            StartWatch(watch.WatchAsync);
            return watch;
        })).Value;

    /// <summary>The next healthy endpoint of <paramref name="service"/> (round robin; the list follows health changes).</summary>
    public ValueTask<ConnectEndpoint> ResolveAsync(string service, CancellationToken cancellationToken)
        => Upstream(service).NextAsync(cancellationToken);

    internal static Exception Unwrap(Exception error)
        => error is AuthenticationException { InnerException: { } inner } ? inner : error;

    private static async ValueTask<Socket> ConnectTcpAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, bounded.Token).ConfigureAwait(false);
            return socket;
        }
        catch (Exception error) when (error is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            throw new ConnectException(ConnectFailure.DialFailed, $"connect: dial {host}:{port} failed: {(error is OperationCanceledException ? $"timeout after {timeout.TotalMilliseconds:0} ms" : error.Message)}", error);
        }
    }
}
