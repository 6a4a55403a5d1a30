using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Extensions.Filters.Network.TcpProxy.V3;
using Mesh.EnvoyResources.Tests.Support;
using Mesh.Xds;

namespace Mesh.EnvoyResources.Tests;

/// <summary>
/// proxy-defaults <c>AccessLogs</c> on every gateway kind's listeners, as on a sidecar's: a listener-level log for
/// connections no filter chain matched (response flag NR) unless <c>DisableListenerLogs</c>, and a filter-level log on
/// every tcp_proxy and HTTP connection manager of every chain. Each gateway is built from its conformance fixture with
/// the proxy-defaults entry rewritten to add the logs.
/// </summary>
public sealed class GatewayAccessLogTests
{
    // A gateway fixture and the protocol its proxy-defaults entry sets (kept when the logs are added).
    private static readonly Dictionary<string, (Action<MeshFixture> Scenario, string? Protocol)> Gateways = new(StringComparer.Ordinal)
    {
        ["ingress tcp"] = (IngressScenarios.All["ingress-gateway"], null),
        ["ingress http"] = (IngressScenarios.All["ingress-http-multiple-services"], "http"),
        ["ingress sds"] = (IngressScenarios.All["ingress-with-sds-service-level-mixed-tls"], "http"),
        ["terminating"] = (TerminatingScenarios.All["terminating-gateway-service-subsets"], null),
        ["mesh"] = (MeshGatewayScenarios.All["mesh-gateway"], null),
        ["api http"] = (ApiGatewayScenarios.All["api-gateway-with-http-route"], "http"),
        ["api tcp"] = (ApiGatewayScenarios.All["api-gateway-with-tcp-route-and-inline-certificate"], null),
    };

    public static TheoryData<string> GatewayNames => [.. Gateways.Keys];

    [Theory]
    [MemberData(nameof(GatewayNames))]
    public void Generate_GatewayWithAccessLogs_LogsOnEveryListenerAndFilter(string gateway)
    {
        var listeners = ListenersWith(gateway, """{"Enabled":true}""");

        Assert.NotEmpty(listeners);
        foreach (var listener in listeners)
        {
            var log = Assert.Single(listener.AccessLog);
            Assert.Equal(AccessLogging.ListenerLogName, log.Name);
            Assert.Equal("NR", Assert.Single(log.Filter.ResponseFlagFilter.Flags));
            var filters = LoggingFilters(listener).ToList();
            Assert.NotEmpty(filters);
            Assert.All(filters, logs => Assert.Equal(AccessLogging.FilterLogName, Assert.Single(logs).Name));
        }
    }

    [Theory]
    [MemberData(nameof(GatewayNames))]
    public void Generate_GatewayWithListenerLogsDisabled_LogsOnlyInFilters(string gateway)
    {
        var listeners = ListenersWith(gateway, """{"Enabled":true,"DisableListenerLogs":true,"Type":"stderr"}""");

        Assert.NotEmpty(listeners);
        Assert.All(listeners, listener => Assert.Empty(listener.AccessLog));
        Assert.All(listeners.SelectMany(LoggingFilters), logs => Assert.Single(logs));
    }

    [Theory]
    [MemberData(nameof(GatewayNames))]
    public void Generate_GatewayWithLogsOff_LogsNothing(string gateway)
    {
        var listeners = ListenersWith(gateway, """{"Enabled":false,"Type":"stderr"}""");

        Assert.All(listeners, listener => Assert.Empty(listener.AccessLog));
        Assert.All(listeners.SelectMany(LoggingFilters), logs => Assert.Empty(logs));
    }

    private static List<Listener> ListenersWith(string gateway, string accessLogs)
    {
        var (scenario, protocol) = Gateways[gateway];
        var config = protocol is null ? string.Empty : $$""","Config":{"protocol":"{{protocol}}"}""";
        var set = GoldenResources.Of(f =>
        {
            scenario(f);
            f.ConfigEntry($$"""{"Kind":"proxy-defaults","Name":"global"{{config}},"AccessLogs":{{accessLogs}}}""");
        });
        return [.. set.Of(XdsTypeUrls.Listener).Values.Cast<Listener>()];
    }

    /// <summary>The access logs of each tcp_proxy and HTTP connection manager in the listener's chains.</summary>
    private static IEnumerable<IReadOnlyList<Envoy.Config.Accesslog.V3.AccessLog>> LoggingFilters(Listener listener)
    {
        foreach (var filter in listener.FilterChains.SelectMany(chain => chain.Filters).Where(filter => filter.TypedConfig is not null))
        {
            if (filter.TypedConfig.TryUnpack<TcpProxy>(out var tcp))
            {
                yield return tcp.AccessLog;
            }
            else if (filter.TypedConfig.TryUnpack<HttpConnectionManager>(out var manager))
            {
                yield return manager.AccessLog;
            }
        }
    }
}
