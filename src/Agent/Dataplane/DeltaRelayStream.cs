using System.Globalization;
using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Dataplane;

/// <summary>
/// One Envoy stream relayed to the servers. Responses go down with their nonce prefixed by the upstream stream's
/// generation, so an ACK of a response from a server the relay has left is recognised (and dropped) instead of
/// acknowledging an unrelated response of the new server with the same nonce. When the server fails, the relay dials
/// the next one and replays Envoy's subscriptions and held versions (<see cref="DeltaSubscriptions"/>), so the
/// Envoy stream stays open. Refusals (PERMISSION_DENIED, UNAUTHENTICATED, INVALID_ARGUMENT, NOT_FOUND) end it.
/// </summary>
internal sealed partial class DeltaRelayStream(
    DataplaneServers servers,
    IAsyncStreamReader<DeltaDiscoveryRequest> requests,
    IServerStreamWriter<DeltaDiscoveryResponse> responses,
    ServerCallContext context,
    ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly DeltaSubscriptions _subscriptions = new();
    private AsyncDuplexStreamingCall<DeltaDiscoveryRequest, DeltaDiscoveryResponse>? _upstream;
    private int _generation;

    public async Task RunAsync()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        Task? upstream = null;
        try
        {
            while (await requests.MoveNext(stop.Token).ConfigureAwait(false))
            {
                await ForwardAsync(requests.Current, stop.Token).ConfigureAwait(false);
                upstream ??= UpstreamUntilEndAsync(stop);
            }
        }
        catch (Exception error) when (stop.IsCancellationRequested && error is OperationCanceledException or IOException or InvalidOperationException)
        {
            // Envoy left, or the upstream loop ended (a refusal, rethrown below).
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

        if (upstream is not null)
        {
            await upstream.ConfigureAwait(false); // rethrows a refusal as this stream's status
        }
    }

    /// <summary>Records Envoy's request and sends it up (with the nonce of this generation) when a stream is open.</summary>
    private async Task ForwardAsync(DeltaDiscoveryRequest request, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _subscriptions.Observe(request);
            if (_upstream is not { } call)
            {
                return; // the replay when the stream opens carries it
            }

            if (request.ResponseNonce.Length > 0)
            {
                var prefix = Prefix(_generation);
                if (!request.ResponseNonce.StartsWith(prefix, StringComparison.Ordinal))
                {
                    // Answers a response of a server the relay has left; its subscription changes are kept.
                    if (request.ResourceNamesSubscribe.Count == 0 && request.ResourceNamesUnsubscribe.Count == 0)
                    {
                        return;
                    }

                    request = request.Clone();
                    request.ResponseNonce = string.Empty;
                    request.ErrorDetail = null;
                }
                else
                {
                    request = request.Clone();
                    request.ResponseNonce = request.ResponseNonce[prefix.Length..];
                }
            }

            try
            {
                await call.RequestStream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is RpcException or InvalidOperationException or IOException)
            {
                // The upstream stream broke: the upstream loop notices, switches and replays.
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The upstream loop; when it ends (a refusal), Envoy's stream ends too.</summary>
    private async Task UpstreamUntilEndAsync(CancellationTokenSource stop)
    {
        try
        {
            await UpstreamAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task UpstreamAsync(CancellationToken cancellationToken)
    {
        var connection = await servers.ConnectAsync(cancellationToken).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            AsyncDuplexStreamingCall<DeltaDiscoveryRequest, DeltaDiscoveryResponse>? call = null;
            int generation;
            try
            {
                await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    generation = ++_generation;
                    var client = new AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(connection.Invoker);
                    call = client.DeltaAggregatedResources(EnvoyMetadata(), cancellationToken: cancellationToken);
                    foreach (var replayed in _subscriptions.Replay())
                    {
                        await call.RequestStream.WriteAsync(replayed, cancellationToken).ConfigureAwait(false);
                    }

                    _upstream = call;
                }
                finally
                {
                    _gate.Release();
                }

                Log.Relaying(logger, _subscriptions.Node?.Id ?? string.Empty, connection.Target.ToString());
                while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    var response = call.ResponseStream.Current;
                    await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        _subscriptions.Track(response);
                    }
                    finally
                    {
                        _gate.Release();
                    }

                    response.Nonce = Prefix(generation) + response.Nonce;
                    await responses.WriteAsync(response, cancellationToken).ConfigureAwait(false);
                }

                // The server ended the stream without an error (it should not): another server takes over.
            }
            catch (RpcException error) when (!cancellationToken.IsCancellationRequested && IsRefusal(error.StatusCode))
            {
                throw new RpcException(error.Status);
            }
            catch (Exception error) when (!cancellationToken.IsCancellationRequested && error is RpcException or IOException or InvalidOperationException)
            {
                Log.UpstreamFailed(logger, connection.Target.ToString(), error.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            finally
            {
                call?.Dispose();
            }

            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            _upstream = null;
            _gate.Release();
            connection = await servers.SwitchAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _gate.Dispose();

    private static bool IsRefusal(StatusCode code)
        => code is StatusCode.PermissionDenied or StatusCode.Unauthenticated or StatusCode.InvalidArgument or StatusCode.NotFound;

    /// <summary>Envoy's metadata minus its token and the transport's own headers (the connection adds the dataplane's token).</summary>
    private Metadata EnvoyMetadata()
    {
        var metadata = new Metadata();
        foreach (var entry in context.RequestHeaders)
        {
            if (entry.Key is "x-consul-token" or "te" or "content-type" or "user-agent" or "grpc-accept-encoding" or "grpc-encoding" or "grpc-timeout"
                || entry.Key.StartsWith(':'))
            {
                continue;
            }

            if (entry.IsBinary)
            {
                metadata.Add(entry.Key, entry.ValueBytes);
            }
            else
            {
                metadata.Add(entry.Key, entry.Value);
            }
        }

        return metadata;
    }

    private static string Prefix(int generation) => "g" + generation.ToString(CultureInfo.InvariantCulture) + "-";

    private static partial class Log
    {
        [LoggerMessage(EventId = 4611, Level = LogLevel.Information, Message = "Relaying the delta xDS stream of {ProxyId} to {Server}")]
        public static partial void Relaying(ILogger logger, string proxyId, string server);

        [LoggerMessage(EventId = 4612, Level = LogLevel.Warning, Message = "The xDS stream to {Server} failed ({Error}); moving to another server")]
        public static partial void UpstreamFailed(ILogger logger, string server, string error);
    }
}
