using System.Text.Json;
using Mesh.ConnectProxy;

namespace Mesh.Connect.Tests;

public sealed class ProxyConfigParserTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public void Parse_Registration_TakesListenerFromAddressPortAndConsulKeys()
    {
        var config = ProxyConfigParser.Parse(Json("""
            {"Kind":"connect-proxy","ID":"web-sidecar-proxy","Service":"web-sidecar-proxy","Address":"127.0.0.2","Port":21000,
             "Proxy":{"DestinationServiceName":"web","DestinationServiceID":"web","LocalServiceAddress":"127.0.0.3","LocalServicePort":8080,
               "Config":{"local_connect_timeout_ms":250,"handshake_timeout_ms":"500","bind_port":9999,"envoy_prometheus_bind_addr":"127.0.0.1:9102","max_inbound_connections":5,"idle_timeout_ms":2000},
               "Upstreams":[{"DestinationType":"service","DestinationName":"db","LocalBindPort":9191,"Config":{"connect_timeout_ms":300}},
                            {"destination_name":"cache","local_bind_address":"127.0.0.4","local_bind_port":9292}]}}
            """));
        Assert.Equal("web", config.Service);
        Assert.Equal("web-sidecar-proxy", config.ProxyId);
        Assert.Equal(new PublicListenerConfig("127.0.0.2", 21000, "127.0.0.3", 8080, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500)), config.Public);
        Assert.Equal("127.0.0.1:9102", config.PrometheusBindAddress);
        Assert.Equal(5, config.MaxConnections);
        Assert.Equal(TimeSpan.FromSeconds(2), config.IdleTimeout);
        Assert.Equal(2, config.Upstreams.Length);
        Assert.Equal(new UpstreamConfig("service", "db", string.Empty, "127.0.0.1", 9191, TimeSpan.FromMilliseconds(300)), config.Upstreams[0]);
        Assert.Equal(new UpstreamConfig("service", "cache", string.Empty, "127.0.0.4", 9292, TimeSpan.FromSeconds(10)), config.Upstreams[1]);
    }

    [Fact]
    public void Parse_Defaults_AsConsulsProxy()
    {
        var warnings = new List<string>();
        var config = ProxyConfigParser.Parse(Json("""
            {"Kind":"connect-proxy","ID":"p","Port":21000,"Proxy":{"DestinationServiceName":"web","LocalServicePort":80,
              "Upstreams":[{"DestinationName":"nope"},{"DestinationType":"prepared_query","DestinationName":"q","LocalBindPort":1}]}}
            """), warnings.Add);
        Assert.Equal(new PublicListenerConfig("0.0.0.0", 21000, "127.0.0.1", 80, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)), config.Public);
        Assert.Empty(config.Upstreams);
        Assert.Contains(warnings, w => w.Contains("has no local_bind_port", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("prepared_query", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NotAProxy_OrBadTimeout_IsRejectedWithAMessage()
    {
        Assert.Contains("not a connect-proxy", Assert.Throws<ProxyConfigException>(() => ProxyConfigParser.Parse(Json("""{"Kind":"","ID":"web","Port":80}"""))).Message, StringComparison.Ordinal);
        Assert.Contains("handshake_timeout_ms", Assert.Throws<ProxyConfigException>(() => ProxyConfigParser.Parse(Json("""
            {"Kind":"connect-proxy","ID":"p","Port":1,"Proxy":{"DestinationServiceName":"web","Config":{"handshake_timeout_ms":-1}}}
            """))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FlagsConfig_DevMode_BuildsListenerAndUpstreams()
    {
        var options = new ProxyCommandOptions
        {
            Api = new ConnectApiOptions(),
            Service = "web",
            ServiceAddress = "127.0.0.1:8080",
            Listen = "127.0.0.1:21000",
            Upstreams = ["db:9191"],
        };
        Assert.Null(options.Validate());
        var config = options.FlagsConfig();
        Assert.Equal(21000, config.Public!.BindPort);
        Assert.Equal(8080, config.Public.LocalServicePort);
        Assert.Equal("db", Assert.Single(config.Upstreams).DestinationName);
        Assert.NotNull((options with { ServiceAddress = null }).Validate());
        Assert.NotNull((options with { ProxyId = "x" }).Validate());
        Assert.Throws<ProxyConfigException>(() => (options with { Upstreams = ["db"] }).FlagsConfig());
    }
}
