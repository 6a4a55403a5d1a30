using System.Runtime.CompilerServices;
using System.Text.Json;
using Mesh.Connect;
using Microsoft.Extensions.Logging;

namespace Mesh.ConnectProxy;

/// <summary>
/// Agent-API mode: reads <c>/v1/agent/service/:proxy-id</c> and follows changes. Mesh's agent endpoint does not block
/// (Consul's blocks by content hash), so a blocking query on <c>/v1/catalog/service/:proxy-name</c> is the change
/// signal and the agent endpoint is re-read after each one; a new configuration is yielded only when it differs.
/// </summary>
public sealed class RegistrationConfigSource(ConnectApiClient api, string proxyId, ILogger logger) : IProxyConfigSource
{
    /// <summary>Finds the single local sidecar of <paramref name="serviceId"/> (Consul's <c>-sidecar-for</c>).</summary>
    public static async Task<string> FindSidecarAsync(ConnectApiClient api, string serviceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        var services = (await api.GetAsync("/v1/agent/services", 0, cancellationToken).ConfigureAwait(false)).Body;
        var ids = services.EnumerateObject()
            .Select(p => p.Value)
            .Where(s => ProxyConfigParser.Get(s, "Kind")?.GetString() == "connect-proxy"
                        && string.Equals(ProxyConfigParser.Get(ProxyConfigParser.Get(s, "Proxy"), "DestinationServiceID")?.GetString(), serviceId, StringComparison.OrdinalIgnoreCase))
            .Select(s => ProxyConfigParser.Get(s, "ID")?.GetString() ?? string.Empty)
            .ToList();
        return ids.Count switch
        {
            0 => throw new ProxyConfigException($"No sidecar proxy registered for {serviceId}"),
            1 => ids[0],
            _ => throw new ProxyConfigException($"More than one sidecar proxy registered for {serviceId}.\n    Start proxy with -proxy-id and one of the following IDs: {string.Join(", ", ids)}"),
        };
    }

    public async IAsyncEnumerable<ProxyConfig> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ProxyConfig? last = null;
        string? proxyName = null;
        long index = 0;
        var delay = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            ProxyConfig? config = null;
            try
            {
                if (proxyName is not null)
                {
                    // Waits for any change to the proxy's catalog entries; returns at once after an error or on start.
                    index = (await api.GetAsync($"/v1/catalog/service/{Uri.EscapeDataString(proxyName)}", index, cancellationToken).ConfigureAwait(false)).Index;
                }

                var service = (await api.GetAsync($"/v1/agent/service/{Uri.EscapeDataString(proxyId)}", 0, cancellationToken).ConfigureAwait(false)).Body;
                proxyName = ProxyConfigParser.Get(service, "Service")?.GetString();
                config = ProxyConfigParser.Parse(service, warning => ProxyLog.ConfigWarning(logger, warning));
                delay = TimeSpan.FromMilliseconds(200);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
            catch (Exception error) when (error is ConnectApiException or ProxyConfigException or JsonException or InvalidOperationException)
            {
                ProxyLog.ConfigReadFailed(logger, error.Message);
                index = 0;
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }

            if (config is not null && !config.Equals(last))
            {
                last = config;
                yield return config;
            }
        }
    }
}
