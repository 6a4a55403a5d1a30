using System.Net;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.EnvoyResources.Proxyless;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.Model.Acl;
using Mesh.ProxyCfg;
using Mesh.Server;
using Mesh.Server.Access;
using Mesh.Xds;
using FsmHealth = Mesh.Fsm.Model.HealthStatus;

namespace Mesh.XdsServer.Tests.Sotw;

public class ProxylessResourcesTests
{
    private static readonly AgentIdentity Self = new()
    {
        NodeName = "s1",
        NodeId = "00000000-0000-0000-0000-000000000001",
        Datacenter = "dc1",
        AdvertiseAddress = "127.0.0.1",
        ServerEndPoint = new IPEndPoint(IPAddress.Loopback, 8300),
    };

    private readonly StateMachine _fsm = new();
    private long _index;

    [Theory]
    [InlineData("greeter", "greeter")]
    [InlineData("greeter:50051", "greeter")]
    [InlineData("xds:///greeter", "greeter")]
    [InlineData("greeter:", null)]
    [InlineData("a/b", null)]
    [InlineData("", null)]
    public void ServiceOf_ListenerName_NamesTheService(string listener, string? service)
        => Assert.Equal(service, ProxylessNames.ServiceOf(listener));

    [Fact]
    public void Resolve_ListenerOfRegisteredService_ApiListenerWithRdsAndRouterLast()
    {
        Register("n1", "127.0.0.1", "greeter-1", "greeter", 50051);

        var resources = Resolve(XdsTypeUrls.Listener, "greeter:50051", "missing");

        var (name, message) = Assert.Single(resources);
        Assert.Equal("greeter:50051", name);
        var listener = Assert.IsType<Listener>(message);
        var manager = listener.ApiListener.ApiListener_.Unpack<HttpConnectionManager>();
        Assert.Equal("greeter:50051", manager.Rds.RouteConfigName);
        Assert.NotNull(manager.Rds.ConfigSource.Ads);
        var router = Assert.Single(manager.HttpFilters);
        Assert.Equal(ProxylessResourceFactory.RouterFilterName, router.Name);
        Assert.Equal(XdsTypeUrls.Router, router.TypedConfig.TypeUrl);
    }

    [Fact]
    public void Resolve_RouteConfiguration_RoutesEverythingToTheServiceCluster()
    {
        Register("n1", "127.0.0.1", "greeter-1", "greeter", 50051);

        var route = Assert.IsType<RouteConfiguration>(Assert.Single(Resolve(XdsTypeUrls.RouteConfiguration, "greeter:50051")).Value);

        var host = Assert.Single(route.VirtualHosts);
        Assert.Contains("greeter:50051", host.Domains);
        var only = Assert.Single(host.Routes);
        Assert.Equal(string.Empty, only.Match.Prefix);
        Assert.Equal("greeter", only.Route_.Cluster);
    }

    [Fact]
    public void Resolve_Cluster_EdsOverAdsWithRoundRobin()
    {
        Register("n1", "127.0.0.1", "greeter-1", "greeter", 50051);

        var cluster = Assert.IsType<Cluster>(Assert.Single(Resolve(XdsTypeUrls.Cluster, "greeter")).Value);

        Assert.Equal(Cluster.Types.DiscoveryType.Eds, cluster.Type);
        Assert.Equal(Cluster.Types.LbPolicy.RoundRobin, cluster.LbPolicy);
        Assert.NotNull(cluster.EdsClusterConfig.EdsConfig.Ads);
        Assert.Equal("greeter", cluster.EdsClusterConfig.ServiceName);
    }

    [Fact]
    public void Resolve_LoadAssignment_OneWeightedLocalityOfHealthyIpInstances()
    {
        Register("n1", "127.0.0.1", "greeter-1", "greeter", 50051);
        Register("n2", "127.0.0.2", "greeter-2", "greeter", 50052, FsmHealth.Critical);
        Register("n3", "127.0.0.3", "greeter-3", "greeter", 50053, FsmHealth.Warning, serviceAddress: string.Empty);
        Register("n4", "127.0.0.4", "greeter-4", "greeter", 50054, serviceAddress: "greeter.example");
        Register("n5", "127.0.0.5", "proxy-1", "greeter-sidecar", 21000, kind: ServiceKind.ConnectProxy);

        var assignment = Assert.IsType<ClusterLoadAssignment>(Assert.Single(Resolve(XdsTypeUrls.ClusterLoadAssignment, "greeter")).Value);

        Assert.Equal("greeter", assignment.ClusterName);
        var locality = Assert.Single(assignment.Endpoints);
        Assert.Equal(1u, locality.LoadBalancingWeight);
        Assert.Equal(0u, locality.Priority);
        Assert.Equal("dc1", locality.Locality.Region);
        var endpoints = locality.LbEndpoints.Select(e => $"{e.Endpoint.Address.SocketAddress.Address}:{e.Endpoint.Address.SocketAddress.PortValue}/{e.HealthStatus}").ToList();
        Assert.Equal(["127.0.0.1:50051/Healthy", "127.0.0.3:50053/Healthy"], endpoints);
    }

    [Fact]
    public void Resolve_LoadAssignmentWithoutHealthyInstances_ExistsWithNoEndpoints()
    {
        Register("n1", "127.0.0.1", "greeter-1", "greeter", 50051, FsmHealth.Critical);

        var assignment = Assert.IsType<ClusterLoadAssignment>(Assert.Single(Resolve(XdsTypeUrls.ClusterLoadAssignment, "greeter")).Value);

        Assert.Empty(assignment.Endpoints);
    }

    [Fact]
    public void Resolve_WildcardClusters_EveryTypicalServiceSorted()
    {
        Register("n1", "127.0.0.1", "web-1", "web", 80);
        Register("n1", "127.0.0.1", "api-1", "api", 81);
        Register("n1", "127.0.0.1", "web-proxy", "web-sidecar-proxy", 21000, kind: ServiceKind.ConnectProxy);

        var snapshot = Snapshot(Self, new ProxylessClient("c", null));
        var resources = ProxylessResources.Resolve(snapshot, XdsTypeUrls.Cluster, new ResourceSubscription(true, new HashSet<string>()));

        Assert.Equal(["api", "web"], resources.Select(r => r.Key));
    }

    [Fact]
    public void Resolve_UnknownNames_Absent()
    {
        Register("n1", "127.0.0.1", "web-1", "web", 80);

        Assert.Empty(Resolve(XdsTypeUrls.Listener, "greeter", "greeter:1", "a/b"));
        Assert.Empty(Resolve(XdsTypeUrls.Cluster, "greeter", "xdstp://x/y"));
    }

    [Fact]
    public void Catalog_ClientNamedByNodeIdOfRegisteredService_IsTheSource()
    {
        Register("n1", "127.0.0.1", "web-1", "web", 80);

        Assert.Equal("web", Snapshot(Self, new ProxylessClient("web", null)).SourceService);
        Assert.Null(Snapshot(Self, new ProxylessClient("laptop", null)).SourceService);
        Assert.Equal("api", Snapshot(Self, new ProxylessClient("web", "api")).SourceService);
    }

    [Fact]
    public void Catalog_DefaultDenyPolicy_HidesClustersFromANamedClientOnly()
    {
        Register("n1", "127.0.0.1", "greeter-1", "greeter", 50051);
        var deny = Self with { DefaultIntentionPolicy = "deny" };

        var named = Snapshot(deny, new ProxylessClient("c", "web"));
        var anonymous = Snapshot(deny, new ProxylessClient("c", null));
        var names = new ResourceSubscription(false, new HashSet<string> { "greeter" });

        Assert.Empty(ProxylessResources.Resolve(named, XdsTypeUrls.Cluster, names));
        Assert.Empty(ProxylessResources.Resolve(named, XdsTypeUrls.ClusterLoadAssignment, names));
        Assert.Single(ProxylessResources.Resolve(named, XdsTypeUrls.Listener, names));
        Assert.Single(ProxylessResources.Resolve(anonymous, XdsTypeUrls.Cluster, names));
    }

    [Fact]
    public void Resolve_TokenMayNotReadService_EverythingOfItIsAbsent()
    {
        Register("n1", "127.0.0.1", "greeter-1", "greeter", 50051);
        Register("n1", "127.0.0.1", "web-1", "web", 80);
        var token = AllowReadOf("web");
        var access = new AclAccessPolicy(_fsm, new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny }, "dc1");
        var catalog = ProxylessSnapshotBuilder.Build(_fsm.Current, new ProxylessClient("c", null).KeyFor(token), Self, access);
        var named = new ResourceSubscription(false, new HashSet<string> { "greeter", "web" });

        foreach (var type in ProxylessResources.SupportedTypes)
        {
            Assert.Equal(["web"], ProxylessResources.Resolve(catalog, type, named).Select(r => r.Key));
        }

        Assert.Equal(["web"], ProxylessResources.Resolve(catalog, XdsTypeUrls.Listener, new ResourceSubscription(true, new HashSet<string>())).Select(r => r.Key));
    }

    [Fact]
    public void Client_FromNodeMetadata_ReadsDeclaredService()
    {
        var node = new Envoy.Config.Core.V3.Node { Id = "pod-7", Metadata = new Google.Protobuf.WellKnownTypes.Struct() };
        node.Metadata.Fields[ProxylessClient.ServiceMetadataKey] = Google.Protobuf.WellKnownTypes.Value.ForString("web");

        var client = ProxylessClient.From(node);

        Assert.Equal("pod-7", client.NodeId);
        Assert.Equal("web", client.DeclaredService);
        Assert.Null(ProxylessClient.From(new Envoy.Config.Core.V3.Node { Id = "x" }).DeclaredService);
    }

    private IReadOnlyList<KeyValuePair<string, Google.Protobuf.IMessage>> Resolve(string typeUrl, params string[] names)
    {
        var snapshot = Snapshot(Self, new ProxylessClient("client", null));
        return ProxylessResources.Resolve(snapshot, typeUrl, new ResourceSubscription(false, new HashSet<string>(names)));
    }

    /// <summary>The client's proxycfg snapshot of the current store, as the SotW stream receives it.</summary>
    private ProxylessSnapshot Snapshot(AgentIdentity self, ProxylessClient client)
        => ProxylessSnapshotBuilder.Build(_fsm.Current, client.KeyFor(RequestToken.Anonymous), self, AllowAllPolicy.Instance);

    /// <summary>A token whose policy reads only <paramref name="service"/>.</summary>
    private RequestToken AllowReadOf(string service)
    {
        var policyId = Guid.NewGuid().ToString();
        Apply(new AclPolicySetCommand { Policy = new AclPolicy { Id = policyId, Name = "read-" + service, Rules = $$"""service "{{service}}" { policy = "read" }""" } });
        var secret = Guid.NewGuid().ToString();
        Apply(new AclTokenSetCommand
        {
            Token = new AclToken { AccessorId = Guid.NewGuid().ToString(), SecretId = secret, Policies = [new AclLink { Id = policyId }] },
        });
        return new RequestToken(secret);
    }

    private void Apply(Command command)
    {
        var result = _fsm.Apply(++_index, new LogRecord { Command = command });
        Assert.True(result.Succeeded, result.Error);
    }

    private void Register(
        string node, string nodeAddress, string id, string name, int port, string? status = null,
        string? serviceAddress = null, string kind = ServiceKind.Typical)
    {
        var command = new RegisterCommand
        {
            Node = node,
            Address = nodeAddress,
            Datacenter = "dc1",
            Service = new NodeService
            {
                Kind = kind,
                Id = id,
                Service = name,
                Address = serviceAddress ?? nodeAddress,
                Port = port,
                Weights = new ServiceWeights { Passing = 3, Warning = 1 },
                Proxy = kind == ServiceKind.ConnectProxy ? new ConnectProxyConfig { DestinationServiceName = "x" } : ConnectProxyConfig.Empty,
            },
            Checks = status is null
                ? []
                : [new HealthCheck { Node = node, CheckId = "check-" + id, Name = "check", Status = status, ServiceId = id, ServiceName = name }],
        };
        var result = _fsm.Apply(++_index, new LogRecord { Command = command });
        Assert.True(result.Succeeded, result.Error);
    }
}
