using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Mesh.Connect;

/// <summary>An authorize decision as <c>/v1/agent/connect/authorize</c> gave it.</summary>
public sealed record AuthorizeDecision(bool Allowed, string Reason);

/// <summary>
/// <c>POST /v1/agent/connect/authorize</c> for callers of one target service, cached per caller identity. A blocking
/// query on <c>/v1/connect/intentions/match?by=destination&amp;name=target</c> clears the cache whenever the target's
/// intentions change; while that watch is failing nothing is cached, so a decision is never older than the last
/// intention change the watch saw. A failed authorize call refuses the connection (fail closed).
/// </summary>
internal sealed class IntentionAuthorizer
{
    private readonly ConnectApiClient _api;
    private readonly string _target;
    private readonly ILogger _logger;
    private readonly TimeSpan _ttl;
    private readonly ConcurrentDictionary<string, (AuthorizeDecision Decision, long ExpiresAt)> _cache = new(StringComparer.OrdinalIgnoreCase);
    private long _generation;
    private long _calls;
    private volatile bool _watchHealthy;

    public IntentionAuthorizer(ConnectApiClient api, string target, ILogger logger, TimeSpan ttl)
    {
        _api = api;
        _target = target;
        _logger = logger;
        _ttl = ttl;
    }

    public long CallCount => Interlocked.Read(ref _calls);

    public Task WatchAsync(CancellationToken cancellationToken)
        => BlockingWatch.RunAsync($"intention watch for {_target}", async (index, ct) =>
        {
            ApiResponse response;
            try
            {
                response = await _api.GetAsync($"/v1/connect/intentions/match?by=destination&name={Uri.EscapeDataString(_target)}", index, ct).ConfigureAwait(false);
            }
            catch (ConnectApiException)
            {
                _watchHealthy = false;
                Invalidate(index);
                throw;
            }

            if (response.Index != index || !_watchHealthy)
            {
                Invalidate(response.Index);
            }

            _watchHealthy = true;
            return response.Index;
        }, _logger, cancellationToken);

    public void Invalidate(long index)
    {
        Interlocked.Increment(ref _generation);
        _cache.Clear();
        ConnectLog.AuthorizeCacheCleared(_logger, _target, index);
    }

    public async ValueTask<AuthorizeDecision> AuthorizeAsync(string clientCertUri, string clientCertSerial, CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        if (_cache.TryGetValue(clientCertUri, out var cached) && cached.ExpiresAt > now)
        {
            return cached.Decision;
        }

        var generation = Interlocked.Read(ref _generation);
        var body = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["Target"] = _target,
            ["ClientCertURI"] = clientCertUri,
            ["ClientCertSerial"] = clientCertSerial,
        }, AuthorizeJsonContext.Default.DictionaryStringString);
        AuthorizeDecision decision;
        try
        {
            Interlocked.Increment(ref _calls);
            var response = await _api.PostAsync("/v1/agent/connect/authorize", body, cancellationToken).ConfigureAwait(false);
            decision = new AuthorizeDecision(
                response.Body.TryGetProperty("Authorized", out var allowed) && allowed.ValueKind == JsonValueKind.True,
                response.Body.TryGetProperty("Reason", out var reason) ? reason.GetString() ?? string.Empty : string.Empty);
        }
        catch (ConnectApiException error)
        {
            ConnectLog.AuthorizeCallFailed(_logger, clientCertUri, _target, error.Message);
            return new AuthorizeDecision(false, "authorize call failed: " + error.Message);
        }

        // Cache only if no intention change raced this call and the watch would tell us about the next one.
        if (_watchHealthy && _ttl > TimeSpan.Zero && Interlocked.Read(ref _generation) == generation)
        {
            _cache[clientCertUri] = (decision, now + (long)_ttl.TotalMilliseconds);
        }

        return decision;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class AuthorizeJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
