using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Connect;
using Microsoft.Extensions.Logging;

namespace Mesh.ConnectProxy;

/// <summary>
/// <c>-register</c> in dev mode, as Consul's proxy does it: a <c>connect-proxy</c> service <c>&lt;service&gt;-proxy</c>
/// (or <c>-proxy-&lt;suffix&gt;</c>) at the public listener's address with a 30 s TTL check, passed every 10 s, and
/// deregistered when the proxy stops (three tries).
/// </summary>
public sealed class ProxyRegistration(ConnectApiClient api, ProxyConfig config, string? idSuffix, ILogger logger)
{
    public string ProxyId { get; } = string.IsNullOrEmpty(idSuffix) ? $"{config.Service}-proxy" : $"{config.Service}-proxy-{idSuffix}";

    public string CheckId => ProxyId + "-ttl";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var listener = config.Public ?? throw new ProxyConfigException("-register needs -listen");
        var body = new JsonObject
        {
            ["Kind"] = "connect-proxy",
            ["ID"] = ProxyId,
            ["Name"] = $"{config.Service}-proxy",
            ["Address"] = listener.BindAddress,
            ["Port"] = listener.BindPort,
            ["Proxy"] = new JsonObject
            {
                ["DestinationServiceName"] = config.Service,
                ["LocalServiceAddress"] = listener.LocalServiceAddress,
                ["LocalServicePort"] = listener.LocalServicePort,
            },
            ["Check"] = new JsonObject { ["CheckID"] = CheckId, ["Name"] = "proxy heartbeat", ["TTL"] = "30s", ["Notes"] = "mesh connect proxy heartbeat" },
        };
        var registered = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    if (!registered)
                    {
                        await api.PutAsync("/v1/agent/service/register", body.ToJsonString(), cancellationToken).ConfigureAwait(false);
                        registered = true;
                        ProxyLog.Registered(logger, ProxyId, CheckId);
                    }

                    var note = Uri.EscapeDataString("proxy alive at " + DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture));
                    await api.PutAsync($"/v1/agent/check/pass/{Uri.EscapeDataString(CheckId)}?note={note}", null, cancellationToken).ConfigureAwait(false);
                }
                catch (ConnectApiException error)
                {
                    // A 404 on the heartbeat means the registration is gone (server restored, operator removed it): register again.
                    registered &= error.Status != System.Net.HttpStatusCode.NotFound;
                    ProxyLog.RegistrationFailed(logger, ProxyId, error.Message);
                }

                await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                await api.PutAsync($"/v1/agent/service/deregister/{Uri.EscapeDataString(ProxyId)}", null, CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (Exception error) when (error is ConnectApiException or JsonException)
            {
                ProxyLog.RegistrationFailed(logger, ProxyId, "deregister: " + error.Message);
            }
        }
    }
}
