using System.Diagnostics;
using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Mesh.EnvoyResources.Proxyless;
using Mesh.ProxyCfg;
using Mesh.Server.Access;
using Mesh.XdsServer.Sotw;
using Mesh.XdsServer.Streams;
using Microsoft.Extensions.Logging;

namespace Mesh.XdsServer;

/// <summary>
/// One state-of-the-world ADS stream from a proxyless gRPC client (gRFC A27). The stream's first request names the
/// client (its node and declared service); with the stream's token that is its proxycfg key, and the stream watches the
/// key's <see cref="ProxylessSnapshot"/>s as a delta stream watches its proxy's. One loop owns the stream: it answers
/// requests from the latest snapshot and, when a new snapshot arrives, pushes a new version of just the subscribed
/// types whose content changed (<see cref="SotwSession"/>). Snapshots are latest-wins, so a slow client never holds up
/// proxycfg or the store.
/// </summary>
internal sealed class SotwAdsStream
{
    private readonly XdsServerContext _server;
    private readonly ServerCallContext _context;
    private readonly IServerStreamWriter<DiscoveryResponse> _responses;
    private readonly ILogger _logger;
    private readonly SotwSession _session;
    private readonly RequestToken _token;

    /// <summary>Types a request asked to be answered before the first snapshot arrived.</summary>
    private readonly HashSet<string> _unanswered = new(StringComparer.Ordinal);

    private ProxylessSnapshot? _snapshot;

    private SotwAdsStream(XdsServerContext server, IServerStreamWriter<DiscoveryResponse> responses, ServerCallContext context)
    {
        _server = server;
        _context = context;
        _responses = responses;
        _logger = server.LoggerFactory.CreateLogger<SotwAdsStream>();
        _session = new SotwSession(server.Options.MaxSubscriptionsPerType);
        _token = XdsAuthorization.TokenOf(context);
    }

    private string NodeId => _session.Client?.NodeId ?? "(unidentified)";

    public static async Task RunAsync(
        XdsServerContext server,
        IAsyncStreamReader<DiscoveryRequest> requests,
        IServerStreamWriter<DiscoveryResponse> responses,
        ServerCallContext context)
    {
        server.Streams.AdmitUntilResponseCompleted(context);
        var stream = new SotwAdsStream(server, responses, context);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, server.Streams.Draining);
        try
        {
            await stream.ServeAsync(requests, stop).ConfigureAwait(false);
        }
        catch (Exception error) when (IsEnding(error) && server.Streams.IsDraining)
        {
            throw ShuttingDown();
        }
        catch (Exception error) when (IsEnding(error) && context.CancellationToken.IsCancellationRequested)
        {
            // The client went away: nothing to answer.
        }
        catch (RpcException error)
        {
            SotwLog.Refused(stream._logger, stream.NodeId, context.Peer, error.StatusCode, error.Status.Detail);
            throw;
        }
    }

    private static bool IsEnding(Exception error) => error is OperationCanceledException or IOException;

    private static RpcException ShuttingDown()
        => new(new Status(StatusCode.Unavailable, "this server is shutting down; reconnect to another server"));

    private async Task ServeAsync(IAsyncStreamReader<DiscoveryRequest> requests, CancellationTokenSource stop)
    {
        var cancellationToken = stop.Token;
        if (!await requests.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            return; // closed before saying anything
        }

        // The first request is checked (node, type) before the client's key is watched.
        await OnRequestAsync(requests.Current).ConfigureAwait(false);
        var watch = _server.Proxies.WatchProxyless(_session.Client!.KeyFor(_token));
        await using (watch.ConfigureAwait(false))
        {
            var nextRequest = requests.MoveNext(cancellationToken);
            var nextSnapshot = watch.NextAsync(cancellationToken).AsTask();
            try
            {
                while (true)
                {
                    var ready = await Task.WhenAny(nextRequest, nextSnapshot).ConfigureAwait(false);
                    if (ready == nextRequest)
                    {
                        if (!await nextRequest.ConfigureAwait(false))
                        {
                            return; // the client closed its side
                        }

                        await OnRequestAsync(requests.Current).ConfigureAwait(false);
                        nextRequest = requests.MoveNext(cancellationToken);
                    }
                    else
                    {
                        var snapshot = await nextSnapshot.ConfigureAwait(false) ?? throw ShuttingDown();
                        var received = Stopwatch.GetTimestamp();
                        _snapshot = snapshot;
                        nextSnapshot = watch.NextAsync(cancellationToken).AsTask();
                        if (await PushAsync(snapshot).ConfigureAwait(false))
                        {
                            _server.Streams.Metrics.PushLatency.Record(Stopwatch.GetElapsedTime(received));
                        }
                    }
                }
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                Observe(nextRequest);
                Observe(nextSnapshot);
            }
        }
    }

    private async Task OnRequestAsync(DiscoveryRequest request)
    {
        var outcome = _session.Accept(request);
        SotwLog.Received(_logger, NodeId, outcome.Kind, outcome.TypeUrl, request.ResponseNonce, request.VersionInfo, request.ResourceNames.Count);
        switch (outcome.Kind)
        {
            case SotwRequestKind.Ack:
                _server.Streams.Metrics.Acked();
                break;
            case SotwRequestKind.Nack:
                _server.Streams.Metrics.Nacked();
                var state = _session.StateOf(outcome.TypeUrl)!;
                SotwLog.Rejected(_logger, NodeId, outcome.TypeUrl, state.NackedVersion, string.Join(",", state.Subscription.Names), state.NackMessage ?? string.Empty);
                break;
        }

        if (!outcome.MustRespond)
        {
            return;
        }

        if (_snapshot is null)
        {
            // Answered with the first snapshot: an answer without it would tell the client its resources do not exist.
            _unanswered.Add(outcome.TypeUrl);
            return;
        }

        await SendAsync(_snapshot, outcome.TypeUrl, force: true).ConfigureAwait(false);
    }

    /// <summary>Sends a new version of every subscribed type whose resources changed (and any unanswered one); true if anything was sent.</summary>
    private async Task<bool> PushAsync(ProxylessSnapshot snapshot)
    {
        var sent = false;
        foreach (var state in _session.Types.ToList())
        {
            sent |= await SendAsync(snapshot, state.TypeUrl, force: _unanswered.Remove(state.TypeUrl)).ConfigureAwait(false);
        }

        return sent;
    }

    private async Task<bool> SendAsync(ProxylessSnapshot snapshot, string typeUrl, bool force)
    {
        var resources = _server.ProxylessResources.Resolve(snapshot, typeUrl, _session.StateOf(typeUrl)!.Subscription);
        var response = _session.RespondPacked(typeUrl, resources, force);
        if (response is null)
        {
            return false;
        }

        await _responses.WriteAsync(response).ConfigureAwait(false);
        _server.Streams.Metrics.Pushed(response.Resources.Count);
        SotwLog.Sent(_logger, NodeId, typeUrl, response.VersionInfo, response.Nonce, response.Resources.Count);
        return true;
    }

    /// <summary>Observes a task left pending when the stream ends, so its failure is not an unobserved exception.</summary>
    private static void Observe(Task task)
        => _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
