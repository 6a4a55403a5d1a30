using Grpc.Core;
using Mesh.Testing;
using Mesh.XdsServer.ConsulApi.Acl;
using Mesh.XdsServer.ConsulApi.Dataplane;
using Mesh.XdsServer.Tests.Support;

#pragma warning disable CS0612 // service_id and service: deprecated in the contract, still what dataplanes send and read

namespace Mesh.XdsServer.Tests.ConsulApi;

/// <summary>DataplaneService and ACLService on a real server's gRPC ports (plaintext and TLS), through clients generated from Mesh's protos.</summary>
public sealed class DataplaneServiceTests : IDisposable
{
    private const string NodeId = "8c2bd7e4-5a0f-4f6e-9d1a-2b3c4d5e6f70";
    private readonly TestCertificates _ca = new();

    private static async Task<XdsMesh> StartAsync(Func<Mesh.Agent.Hosting.AgentConfig, Mesh.Agent.Hosting.AgentConfig>? configure = null)
    {
        var mesh = await XdsMesh.StartAsync(configure);
        await mesh.WriteConfigAsync("""{"Kind":"proxy-defaults","Name":"global","Config":{"local_connect_timeout_ms":2500,"protocol":"http"}}""");
        await mesh.RegisterAsync("""
            {"Node":"node-web","ID":"NODE-ID","Address":"127.0.0.10","Service":{"Kind":"connect-proxy","ID":"web-sidecar-proxy","Service":"web-sidecar-proxy","Port":21000,
             "Proxy":{"DestinationServiceName":"web","DestinationServiceID":"web","LocalServicePort":8080,
                      "Config":{"envoy_stats_flush_interval":"5s","protocol":"tcp","nested":{"list":[1,"two",true]}}}}}
            """.Replace("NODE-ID", NodeId, StringComparison.Ordinal));
        await mesh.RegisterAsync("""{"Node":"node-web","ID":"8c2bd7e4-5a0f-4f6e-9d1a-2b3c4d5e6f70","Address":"127.0.0.10","Service":{"ID":"web","Service":"web","Port":8080}}""");
        return mesh;
    }

    [Fact]
    public async Task SupportedFeatures_AdvertiseWatchServersEdgeCertificatesAndBootstrap()
    {
        await using var mesh = await XdsMesh.StartAsync();
        using var clients = new ConsulApiClients(mesh.GrpcPort);

        var features = await clients.Dataplane.GetSupportedDataplaneFeaturesAsync(new GetSupportedDataplaneFeaturesRequest(), ConsulApiClients.Bounded());

        var supported = features.SupportedDataplaneFeatures.ToDictionary(f => f.FeatureName, f => f.Supported);
        Assert.True(supported[DataplaneFeatures.WatchServers]);
        Assert.True(supported[DataplaneFeatures.EdgeCertificateManagement]);
        Assert.True(supported[DataplaneFeatures.EnvoyBootstrapConfiguration]);
        Assert.False(supported[DataplaneFeatures.Fips]);
    }

    [Fact]
    public async Task BootstrapParams_ForARegisteredSidecar_MatchItsRegistrationMergedWithCentralConfig()
    {
        await using var mesh = await StartAsync();
        using var clients = new ConsulApiClients(mesh.GrpcPort);

        // As current dataplanes ask: both service_id and proxy_id, by node name.
        var byName = await clients.Dataplane.GetEnvoyBootstrapParamsAsync(
            new GetEnvoyBootstrapParamsRequest { NodeName = "node-web", ProxyId = "web-sidecar-proxy", ServiceId = "web-sidecar-proxy" }, ConsulApiClients.Bounded());
        Assert.Equal("web", byName.Service);
        Assert.Equal("web", byName.Identity);
        Assert.Equal("node-web", byName.NodeName);
        Assert.Equal("dc1", byName.Datacenter);
        Assert.Equal("default", byName.Namespace);
        Assert.Equal("default", byName.Partition);
        Assert.Equal("5s", byName.Config.Fields["envoy_stats_flush_interval"].StringValue);
        Assert.Equal("tcp", byName.Config.Fields["protocol"].StringValue); // the registration wins over proxy-defaults
        Assert.Equal(2500, byName.Config.Fields["local_connect_timeout_ms"].NumberValue); // filled from proxy-defaults
        var list = byName.Config.Fields["nested"].StructValue.Fields["list"].ListValue.Values;
        Assert.Equal([1d], list.Take(1).Select(v => v.NumberValue));
        Assert.Equal("two", list[1].StringValue);
        Assert.True(list[2].BoolValue);

        // An older dataplane: node ID and service_id only.
        var byId = await clients.Dataplane.GetEnvoyBootstrapParamsAsync(
            new GetEnvoyBootstrapParamsRequest { NodeId = NodeId.ToUpperInvariant(), ServiceId = "web-sidecar-proxy" }, ConsulApiClients.Bounded());
        Assert.Equal(byName, byId);

        // Both node fields naming the same node are fine.
        var both = await clients.Dataplane.GetEnvoyBootstrapParamsAsync(
            new GetEnvoyBootstrapParamsRequest { NodeId = NodeId, NodeName = "node-web", ProxyId = "web-sidecar-proxy" }, ConsulApiClients.Bounded());
        Assert.Equal(byName, both);
    }

    [Fact]
    public async Task BootstrapParams_CarryProxyDefaultsAccessLogs_AsEnvoyAccessLogProtoJson()
    {
        await using var mesh = await StartAsync();
        using var clients = new ConsulApiClients(mesh.GrpcPort);
        var request = new GetEnvoyBootstrapParamsRequest { NodeName = "node-web", ProxyId = "web-sidecar-proxy" };

        var off = await clients.Dataplane.GetEnvoyBootstrapParamsAsync(request, ConsulApiClients.Bounded());
        Assert.Empty(off.AccessLogs);

        await mesh.WriteConfigAsync("""
            {"Kind":"proxy-defaults","Name":"global","Config":{"local_connect_timeout_ms":2500,"protocol":"http"},
             "AccessLogs":{"Enabled":true,"Type":"file","Path":"/var/log/envoy/admin.log","JSONFormat":"{\"code\":\"%RESPONSE_CODE%\"}"}}
            """);
        var on = await clients.Dataplane.GetEnvoyBootstrapParamsAsync(request, ConsulApiClients.Bounded());

        // One AccessLog message in protojson, as the dataplane puts it on Envoy's admin listener.
        var json = Assert.Single(on.AccessLogs);
        var parser = new Google.Protobuf.JsonParser(Google.Protobuf.JsonParser.Settings.Default.WithTypeRegistry(Mesh.Xds.XdsTypeRegistry.Instance));
        var log = parser.Parse<Envoy.Config.Accesslog.V3.AccessLog>(json);
        Assert.Equal("Consul Listener Filter Log", log.Name);
        Assert.Null(log.Filter);
        var file = log.TypedConfig.Unpack<Envoy.Extensions.AccessLoggers.File.V3.FileAccessLog>();
        Assert.Equal("/var/log/envoy/admin.log", file.Path);
        Assert.Equal("%RESPONSE_CODE%", file.LogFormat.JsonFormat.Fields["code"].StringValue);
    }

    [Fact]
    public async Task BootstrapParams_BadRequests_GetClearStatuses_AndTheServerKeepsServing()
    {
        await using var mesh = await StartAsync();
        using var clients = new ConsulApiClients(mesh.GrpcPort);

        async Task<RpcException> FailAsync(GetEnvoyBootstrapParamsRequest request)
            => await Assert.ThrowsAsync<RpcException>(async () => await clients.Dataplane.GetEnvoyBootstrapParamsAsync(request, ConsulApiClients.Bounded()));

        var unknownProxy = await FailAsync(new GetEnvoyBootstrapParamsRequest { NodeName = "node-web", ProxyId = "nope" });
        Assert.Equal(StatusCode.NotFound, unknownProxy.StatusCode);
        Assert.Contains("Service not found", unknownProxy.Status.Detail, StringComparison.Ordinal);

        var unknownNode = await FailAsync(new GetEnvoyBootstrapParamsRequest { NodeName = "node-nope", ProxyId = "web-sidecar-proxy" });
        Assert.Equal(StatusCode.NotFound, unknownNode.StatusCode);
        Assert.Contains("node not found", unknownNode.Status.Detail, StringComparison.Ordinal);

        var noNode = await FailAsync(new GetEnvoyBootstrapParamsRequest { ProxyId = "web-sidecar-proxy" });
        Assert.Equal(StatusCode.InvalidArgument, noNode.StatusCode);
        Assert.Equal("Node ID or name required", noNode.Status.Detail);

        var noProxy = await FailAsync(new GetEnvoyBootstrapParamsRequest { NodeName = "node-web" });
        Assert.Equal(StatusCode.InvalidArgument, noProxy.StatusCode);

        var disagree = await FailAsync(new GetEnvoyBootstrapParamsRequest { NodeName = "node-web", NodeId = Guid.NewGuid().ToString(), ProxyId = "web-sidecar-proxy" });
        Assert.Equal(StatusCode.InvalidArgument, disagree.StatusCode);
        Assert.Contains("name different nodes", disagree.Status.Detail, StringComparison.Ordinal);

        var ok = await clients.Dataplane.GetEnvoyBootstrapParamsAsync(new GetEnvoyBootstrapParamsRequest { NodeName = "node-web", ProxyId = "web-sidecar-proxy" }, ConsulApiClients.Bounded());
        Assert.Equal("web", ok.Identity);
    }

    [Fact]
    public async Task LoginAndLogout_AreUnimplemented_WithTheReason()
    {
        await using var mesh = await XdsMesh.StartAsync();
        using var clients = new ConsulApiClients(mesh.GrpcPort);

        var login = await Assert.ThrowsAsync<RpcException>(async () => await clients.Acl.LoginAsync(new LoginRequest { AuthMethod = "kubernetes", BearerToken = "jwt" }, ConsulApiClients.Bounded()));
        var logout = await Assert.ThrowsAsync<RpcException>(async () => await clients.Acl.LogoutAsync(new LogoutRequest { Token = "x" }, ConsulApiClients.Bounded()));

        Assert.Equal(StatusCode.Unimplemented, login.StatusCode);
        Assert.Equal(StatusCode.Unimplemented, logout.StatusCode);
        Assert.Contains("static ACL token", login.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reflection_ListsConsulsPublicServices()
    {
        await using var mesh = await XdsMesh.StartAsync();
        using var clients = new ConsulApiClients(mesh.GrpcPort);
        var reflection = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(clients.Channel);

        using var call = reflection.ServerReflectionInfo(ConsulApiClients.Bounded());
        await call.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains("hashicorp.consul.dataplane.DataplaneService", names);
        Assert.Contains("hashicorp.consul.serverdiscovery.ServerDiscoveryService", names);
        Assert.Contains("hashicorp.consul.connectca.ConnectCAService", names);
        Assert.Contains("hashicorp.consul.acl.ACLService", names);
        Assert.Contains("envoy.service.discovery.v3.AggregatedDiscoveryService", names);
    }

    [Fact]
    public async Task TheTlsGrpcPort_ServesTheSameServices()
    {
        await using var mesh = await StartAsync(c => TlsTestClients.WithTls(c, _ca.CaFile, _ca.Server()));
        var authorities = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        authorities.ImportFromPemFile(_ca.CaFile);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => TlsTestClients.Verify(certificate, authorities);
        using var clients = new ConsulApiClients(Grpc.Net.Client.GrpcChannel.ForAddress(
            $"https://127.0.0.1:{mesh.Server.Server.Config.GrpcTlsPort}", new Grpc.Net.Client.GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true }));

        var features = await clients.Dataplane.GetSupportedDataplaneFeaturesAsync(new GetSupportedDataplaneFeaturesRequest(), ConsulApiClients.Bounded());
        var bootstrap = await clients.Dataplane.GetEnvoyBootstrapParamsAsync(new GetEnvoyBootstrapParamsRequest { NodeName = "node-web", ProxyId = "web-sidecar-proxy" }, ConsulApiClients.Bounded());

        Assert.Contains(features.SupportedDataplaneFeatures, f => f.FeatureName == DataplaneFeatures.EnvoyBootstrapConfiguration && f.Supported);
        Assert.Equal("web", bootstrap.Identity);
    }

    public void Dispose() => _ca.Dispose();
}
