using System.Diagnostics;
using System.Threading.Channels;
using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Mesh.ProxyCfg;
using Mesh.Server.Access;
using Mesh.XdsServer.Delta;
using Mesh.XdsServer.Resources;
using Mesh.XdsServer.Streams;
using Microsoft.Extensions.Logging;

namespace Mesh.XdsServer;

/// <summary>
/// One delta ADS stream from an Envoy sidecar (Consul's <c>processDelta</c>). Requests are read and snapshots received
/// concurrently, as events on one channel that a single loop handles, so the protocol state needs no locks. Writes are
/// awaited one at a time; a slow proxy only slows its own loop, and proxycfg's latest-wins delivery means the
/// publisher never waits for it.
/// </summary>
internal sealed partial class DeltaAdsStream
{
    private readonly XdsServerContext _server;
    private readonly IAsyncStreamReader<DeltaDiscoveryRequest> _requests;
    private readonly IServerStreamWriter<DeltaDiscoveryResponse> _responses;
    private readonly ServerCallContext _context;
    private readonly ILogger _logger;
    private readonly DeltaSession _session;
    private readonly Channel<StreamEvent> _events = Channel.CreateBounded<StreamEvent>(
        new BoundedChannelOptions(16) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private ProxyId? _proxy;
    private ConfigSnapshot? _snapshot;
    private RequestToken _token = RequestToken.Anonymous;

    private DeltaAdsStream(
        XdsServerContext server,
        IAsyncStreamReader<DeltaDiscoveryRequest> requests,
        IServerStreamWriter<DeltaDiscoveryResponse> responses,
        ServerCallContext context)
    {
        _server = server;
        _requests = requests;
        _responses = responses;
        _context = context;
        _logger = server.LoggerFactory.CreateLogger<DeltaAdsStream>();
        _session = new DeltaSession(server.Options.MaxSubscriptionsPerType);
    }

    public static async Task RunAsync(
        XdsServerContext server,
        IAsyncStreamReader<DeltaDiscoveryRequest> requests,
        IServerStreamWriter<DeltaDiscoveryResponse> responses,
        ServerCallContext context)
    {
        server.Streams.AdmitUntilResponseCompleted(context);
        await new DeltaAdsStream(server, requests, responses, context).RunAsync().ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_context.CancellationToken, _server.Streams.Draining);
        try
        {
            await ServeAsync(stop).ConfigureAwait(false);
        }
        catch (Exception error) when (IsEnding(error) && _server.Streams.IsDraining)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "this server is shutting down; reconnect to another server"));
        }
        catch (Exception error) when (IsEnding(error) && _context.CancellationToken.IsCancellationRequested)
        {
            // The proxy went away: nothing to answer.
        }
        catch (RpcException error)
        {
            Log.StreamEnded(_logger, _proxy?.ToString() ?? "(unidentified)", _context.Peer, error.StatusCode, error.Status.Detail);
            throw;
        }
        finally
        {
            Log.StreamClosed(_logger, _proxy?.ToString() ?? "(unidentified)", _context.Peer);
        }
    }

    private static bool IsEnding(Exception error) => error is OperationCanceledException or IOException or ChannelClosedException;

    private async Task ServeAsync(CancellationTokenSource stop)
    {
        var cancellationToken = stop.Token;
        if (!await _requests.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            return; // closed before saying anything
        }

        var first = _requests.Current;
        var proxy = ProxyIdentity.Resolve(first.Node, _server);
        _proxy = proxy;
        _token = XdsAuthorization.TokenOf(_context);
        var watch = _server.Proxies.TryWatch(proxy);
        if (watch is null)
        {
            Log.UnknownProxy(_logger, proxy.ToString(), _context.Peer);
            throw new RpcException(new Status(StatusCode.NotFound,
                $"no connect-proxy with service ID \"{proxy.ServiceId}\" is registered on node \"{proxy.NodeName}\"; register it first (set node.metadata.node_name if it is on another node)"));
        }

        await using (watch.ConfigureAwait(false))
        {
            Log.StreamOpened(_logger, proxy.ToString(), _context.Peer);
            var reading = ReadRequestsAsync(cancellationToken);
            var watching = WatchSnapshotsAsync(watch, cancellationToken);
            var rechecking = RecheckAccessAsync(cancellationToken);
            try
            {
                HandleRequest(first);
                await LoopAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(reading, watching, rechecking).ConfigureAwait(false);
            }
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            long? snapshotReceived = null;
            switch (await _events.Reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                case RequestEvent request:
                    HandleRequest(request.Request);
                    break;
                case SnapshotEvent { Snapshot: null }:
                    Log.ProxyRemoved(_logger, _proxy!.ToString());
                    throw new RpcException(new Status(StatusCode.NotFound, $"proxy {_proxy} was removed from the catalog"));
                case SnapshotEvent snapshot:
                    HandleSnapshot(snapshot.Snapshot);
                    snapshotReceived = snapshot.ReceivedAt;
                    break;
                case RequestsEnded { Error: { } error }:
                    throw error;
                case RequestsEnded:
                    return; // the proxy closed its side: end the call cleanly
                case AccessRecheck when _snapshot is not null:
                    XdsAuthorization.Reauthorize(_server.Access, _token, _snapshot);
                    continue;
                case AccessRecheck:
                    continue;
                case WatchFailed failed:
                    throw new RpcException(new Status(StatusCode.Unavailable, $"proxy configuration for {_proxy} failed: {failed.Error.Message}"));
            }

            await SendAsync(snapshotReceived, cancellationToken).ConfigureAwait(false);
        }
    }

    private void HandleRequest(DeltaDiscoveryRequest request)
    {
        var received = _session.Receive(request);
        switch (received.Nonce)
        {
            case NonceOutcome.Ack:
                _server.Streams.Metrics.Acked();
                break;
            case NonceOutcome.Nack:
                _server.Streams.Metrics.Nacked();
                Log.Nack(_logger, _proxy!.ToString(), received.TypeUrl, received.ResponseNonce, string.Join(", ", received.NackedNames), received.NackError ?? string.Empty);
                break;
            case NonceOutcome.Stale:
                Log.StaleNonce(_logger, _proxy!.ToString(), received.TypeUrl, received.ResponseNonce);
                break;
            case NonceOutcome.IgnoredType:
                Log.IgnoredType(_logger, _proxy!.ToString(), received.TypeUrl);
                break;
        }

        // Consul re-checks the token on every request, so revoking it ends the stream at the next exchange.
        if (_snapshot is not null)
        {
            XdsAuthorization.Reauthorize(_server.Access, _token, _snapshot);
        }
    }

    private void HandleSnapshot(ConfigSnapshot snapshot)
    {
        if (_snapshot is null)
        {
            XdsAuthorization.Authorize(_server.Access, _token, snapshot); // stream open
        }
        else
        {
            XdsAuthorization.Reauthorize(_server.Access, _token, snapshot);
        }

        VersionedResourceSet resources;
        try
        {
            resources = _server.Resources.For(snapshot, _snapshot, _session.Resources);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            Log.GenerationFailed(_logger, _proxy!.ToString(), snapshot.StoreIndex, error);
            throw new RpcException(new Status(StatusCode.Unavailable, $"failed to generate xDS resources for {_proxy}: {error.Message}"));
        }

        _snapshot = snapshot;
        _session.Update(resources, snapshot.Kind);
    }

    private async Task SendAsync(long? snapshotReceived, CancellationToken cancellationToken)
    {
        var responses = _session.TakeResponses();
        foreach (var response in responses)
        {
            await _responses.WriteAsync(response, cancellationToken).ConfigureAwait(false);
            _server.Streams.Metrics.Pushed(response.Resources.Count + response.RemovedResources.Count);
            Log.Sent(_logger, _proxy!.ToString(), response.TypeUrl, response.Nonce, response.Resources.Count, response.RemovedResources.Count);
        }

        if (snapshotReceived is { } start && responses.Count > 0)
        {
            _server.Streams.Metrics.PushLatency.Record(Stopwatch.GetElapsedTime(start));
        }
    }

    private async Task ReadRequestsAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _requests.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                await _events.Writer.WriteAsync(new RequestEvent(_requests.Current), cancellationToken).ConfigureAwait(false);
            }

            _events.Writer.TryWrite(new RequestsEnded(null));
        }
        catch (Exception error) when (error is OperationCanceledException or IOException or InvalidOperationException or RpcException)
        {
            _events.Writer.TryWrite(new RequestsEnded(error));
        }
    }

    private async Task WatchSnapshotsAsync(ProxyWatch watch, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                // Awaiting the write before asking for the next snapshot keeps at most one queued here; newer ones
                // replace older ones inside the watch (latest wins).
                var snapshot = await watch.NextAsync(cancellationToken).ConfigureAwait(false);
                await _events.Writer.WriteAsync(new SnapshotEvent(snapshot, Stopwatch.GetTimestamp()), cancellationToken).ConfigureAwait(false);
                if (snapshot is null)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            _events.Writer.TryWrite(new WatchFailed(error));
        }
    }

    /// <summary>A revoked token ends even an idle stream, within <see cref="XdsServerOptions.AuthCheckFrequency"/>.</summary>
    private async Task RecheckAccessAsync(CancellationToken cancellationToken)
    {
        // Re-check as soon as any token, policy or role changes (a revoked token ends the stream right away), and
        // at least every AuthCheckFrequency (an expiring token, or a change missed across a snapshot restore).
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var acl = _server.Fsm.Watches.Capture([Mesh.Fsm.State.WatchKeys.Acl]);
                await acl.WaitAsync(_server.Options.AuthCheckFrequency, cancellationToken).ConfigureAwait(false);
                await _events.Writer.WriteAsync(AccessRecheck.Instance, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private abstract record StreamEvent;

    private sealed record AccessRecheck : StreamEvent
    {
        public static AccessRecheck Instance { get; } = new();
    }

    private sealed record RequestEvent(DeltaDiscoveryRequest Request) : StreamEvent;

    private sealed record SnapshotEvent(ConfigSnapshot? Snapshot, long ReceivedAt) : StreamEvent;

    private sealed record RequestsEnded(Exception? Error) : StreamEvent;

    private sealed record WatchFailed(Exception Error) : StreamEvent;

    private static partial class Log
    {
        [LoggerMessage(EventId = 6100, Level = LogLevel.Debug, Message = "Delta xDS stream opened for proxy {Proxy} from {Peer}")]
        public static partial void StreamOpened(ILogger logger, string proxy, string peer);

        [LoggerMessage(EventId = 6101, Level = LogLevel.Debug, Message = "Delta xDS stream of proxy {Proxy} from {Peer} closed")]
        public static partial void StreamClosed(ILogger logger, string proxy, string peer);

        [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Proxy {Proxy} rejected (NACK) {TypeUrl} response {Nonce} with resources [{Resources}]: {Error}")]
        public static partial void Nack(ILogger logger, string proxy, string typeUrl, string nonce, string resources, string error);

        [LoggerMessage(EventId = 6103, Level = LogLevel.Debug, Message = "Proxy {Proxy} answered {TypeUrl} with stale nonce {Nonce}; subscription changes applied, nonce ignored")]
        public static partial void StaleNonce(ILogger logger, string proxy, string typeUrl, string nonce);

        [LoggerMessage(EventId = 6104, Level = LogLevel.Debug, Message = "Proxy {Proxy} asked for {TypeUrl}, which this server does not serve; ignored")]
        public static partial void IgnoredType(ILogger logger, string proxy, string typeUrl);

        [LoggerMessage(EventId = 6105, Level = LogLevel.Information, Message = "Delta xDS stream from {Peer} for unknown proxy {Proxy}: not in the catalog")]
        public static partial void UnknownProxy(ILogger logger, string proxy, string peer);

        [LoggerMessage(EventId = 6106, Level = LogLevel.Information, Message = "Proxy {Proxy} was removed from the catalog; ending its delta xDS stream")]
        public static partial void ProxyRemoved(ILogger logger, string proxy);

        [LoggerMessage(EventId = 6107, Level = LogLevel.Error, Message = "Generating xDS resources for proxy {Proxy} at index {Index} failed")]
        public static partial void GenerationFailed(ILogger logger, string proxy, long index, Exception error);

        [LoggerMessage(EventId = 6108, Level = LogLevel.Information, Message = "Delta xDS stream of proxy {Proxy} from {Peer} ended with {Code}: {Detail}")]
        public static partial void StreamEnded(ILogger logger, string proxy, string peer, StatusCode code, string detail);

        [LoggerMessage(EventId = 6109, Level = LogLevel.Trace, Message = "Sent {TypeUrl} response {Nonce} to proxy {Proxy}: {Resources} resources, {Removed} removed")]
        public static partial void Sent(ILogger logger, string proxy, string typeUrl, string nonce, int resources, int removed);
    }
}
