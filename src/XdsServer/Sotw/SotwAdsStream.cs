using System.Diagnostics;
using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Mesh.Config.Access;
using Mesh.EnvoyResources.Proxyless;
using Mesh.Server.Access;
using Mesh.XdsServer.Sotw;
using Mesh.XdsServer.Streams;
using Microsoft.Extensions.Logging;

namespace Mesh.XdsServer;

/// <summary>
/// One state-of-the-world ADS stream from a proxyless gRPC client (gRFC A27). Proxyless clients are not catalog
/// proxies: their listeners, routes, clusters and endpoints are derived from the catalog and intentions directly
/// (<see cref="ProxylessResources"/>), filtered by the stream token's service:read. One loop owns the stream: it
/// answers requests and, when the store changes something the client subscribed to, pushes a new version of just the
/// types whose content changed. The store only sets a flag for it, so a slow client never holds up the store.
/// </summary>
internal sealed class SotwAdsStream
{
    private readonly XdsServerContext _server;
    private readonly ServerCallContext _context;
    private readonly IServerStreamWriter<DiscoveryResponse> _responses;
    private readonly ILogger _logger;
    private readonly SotwSession _session;
    private readonly SotwWakeup _wakeup;
    private readonly RequestToken _token;

    private SotwAdsStream(XdsServerContext server, IServerStreamWriter<DiscoveryResponse> responses, ServerCallContext context, SotwWakeup wakeup)
    {
        _server = server;
        _context = context;
        _responses = responses;
        _wakeup = wakeup;
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
        using var lease = server.Streams.Admit();
        using var wakeup = new SotwWakeup(server.Fsm);
        var stream = new SotwAdsStream(server, responses, context, wakeup);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, server.Streams.Draining);
        try
        {
            await stream.ServeAsync(requests, stop).ConfigureAwait(false);
        }
        catch (Exception error) when (IsEnding(error) && server.Streams.IsDraining)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "this server is shutting down; reconnect to another server"));
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

    private async Task ServeAsync(IAsyncStreamReader<DiscoveryRequest> requests, CancellationTokenSource stop)
    {
        var cancellationToken = stop.Token;
        var nextRequest = requests.MoveNext(cancellationToken);
        var nextChange = _wakeup.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var ready = await Task.WhenAny(nextRequest, nextChange).ConfigureAwait(false);
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
                    await nextChange.ConfigureAwait(false);
                    var woken = Stopwatch.GetTimestamp();
                    nextChange = _wakeup.WaitAsync(cancellationToken);
                    if (await PushChangesAsync().ConfigureAwait(false))
                    {
                        _server.Streams.Metrics.PushLatency.Record(Stopwatch.GetElapsedTime(woken));
                    }
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            Observe(nextRequest);
            Observe(nextChange);
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

        // Interests first, then the state: a change published in between still wakes the stream.
        _wakeup.Track(_session);
        await SendAsync(Catalog(), outcome.TypeUrl, force: true).ConfigureAwait(false);
    }

    /// <summary>Sends a new version of every subscribed type whose resources changed; true if anything was sent.</summary>
    private async Task<bool> PushChangesAsync()
    {
        if (_session.Client is null)
        {
            return false;
        }

        var catalog = Catalog();
        var sent = false;
        foreach (var state in _session.Types.ToList())
        {
            sent |= await SendAsync(catalog, state.TypeUrl, force: false).ConfigureAwait(false);
        }

        return sent;
    }

    private ProxylessCatalog Catalog()
        => new(_server.Fsm.Current, _server.Self, _session.Client!, MayRead);

    private bool MayRead(string service) => _server.Access.Check(_token, AclResource.Service, service, AclAccess.Read) is null;

    private async Task<bool> SendAsync(ProxylessCatalog catalog, string typeUrl, bool force)
    {
        var resources = ProxylessResources.Resolve(catalog, typeUrl, _session.StateOf(typeUrl)!.Subscription);
        var response = _session.Respond(typeUrl, resources, force);
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
