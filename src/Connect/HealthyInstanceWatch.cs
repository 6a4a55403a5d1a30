using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Mesh.Connect;

/// <summary>
/// The healthy Connect endpoints of one service (sidecar proxies and native instances), kept current by a blocking
/// query on <c>/v1/health/connect/:service?passing</c>, handed out round robin.
/// </summary>
internal sealed class HealthyInstanceWatch
{
    private readonly ConnectApiClient _api;
    private readonly string _service;
    private readonly Func<string> _trustDomain;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _firstAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ImmutableArray<ConnectEndpoint> _endpoints = [];
    private int _next = -1;

    public HealthyInstanceWatch(ConnectApiClient api, string service, Func<string> trustDomain, ILogger logger)
    {
        _api = api;
        _service = service;
        _trustDomain = trustDomain;
        _logger = logger;
    }

    public ImmutableArray<ConnectEndpoint> Endpoints => _endpoints;

    public Task WatchAsync(CancellationToken cancellationToken)
        => BlockingWatch.RunAsync($"health watch for {_service}", async (index, ct) =>
        {
            var response = await _api.GetAsync($"/v1/health/connect/{Uri.EscapeDataString(_service)}?passing", index, ct).ConfigureAwait(false);
            if (response.Index != index || !_firstAnswer.Task.IsCompleted)
            {
                _endpoints = Parse(response.Body);
                ConnectLog.InstancesUpdated(_logger, _service, _endpoints.Length, response.Index);
                _firstAnswer.TrySetResult();
            }

            return response.Index;
        }, _logger, cancellationToken);

    /// <summary>The next endpoint round robin; waits for the first answer of the watch (bounded by the caller's token).</summary>
    public async ValueTask<ConnectEndpoint> NextAsync(CancellationToken cancellationToken)
    {
        await _firstAnswer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        var endpoints = _endpoints;
        if (endpoints.IsEmpty)
        {
            throw new ConnectException(ConnectFailure.NoHealthyInstances, $"no healthy instances found for service \"{_service}\"");
        }

        var i = (int)((uint)Interlocked.Increment(ref _next) % (uint)endpoints.Length);
        return endpoints[i];
    }

    private ImmutableArray<ConnectEndpoint> Parse(JsonElement body)
    {
        var builder = ImmutableArray.CreateBuilder<ConnectEndpoint>();
        if (body.ValueKind != JsonValueKind.Array)
        {
            return builder.ToImmutable();
        }

        foreach (var entry in body.EnumerateArray())
        {
            var node = entry.GetProperty("Node");
            var service = entry.GetProperty("Service");
            var kind = service.TryGetProperty("Kind", out var k) ? k.GetString() : null;
            var name = kind == "connect-proxy" && service.TryGetProperty("Proxy", out var proxy) && proxy.TryGetProperty("DestinationServiceName", out var destination)
                ? destination.GetString() ?? _service
                : service.GetProperty("Service").GetString() ?? _service;
            var address = service.TryGetProperty("Address", out var a) && a.GetString() is { Length: > 0 } serviceAddress
                ? serviceAddress
                : node.GetProperty("Address").GetString() ?? "127.0.0.1";
            var port = service.GetProperty("Port").GetInt32();
            var datacenter = node.TryGetProperty("Datacenter", out var dc) ? dc.GetString() ?? "dc1" : "dc1";
            var ns = service.TryGetProperty("Namespace", out var n) && n.GetString() is { Length: > 0 } nsName ? nsName : "default";
            builder.Add(new ConnectEndpoint(address, port, new SpiffeId(_trustDomain(), ns, datacenter, name)));
        }

        return builder.ToImmutable();
    }
}
