using System.Reflection;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.ProxyCfg.Tests.Support;
using Mesh.Server.Access;

namespace Mesh.ProxyCfg.Tests;

/// <summary>The proxyless snapshot of a client key, built from real store states (no stream, no runtime).</summary>
public sealed class ProxylessSnapshotBuilderTests
{
    private readonly MeshStore _store = new();

    private static ProxylessKey Anonymous(string node = "client") => ProxylessKey.Of(node, null, RequestToken.Anonymous);

    [Fact]
    public void Build_TypicalInstances_HealthyIpEndpointsWithTheirWeights()
    {
        Instance("n1", "127.0.0.1", "greeter-1", "greeter", 50051);
        Instance("n2", "127.0.0.2", "greeter-2", "greeter", 50052, HealthStatus.Critical);
        Instance("n3", "127.0.0.3", "greeter-3", "greeter", 50053, HealthStatus.Warning);
        Instance("n4", "127.0.0.4", "greeter-4", "greeter", 50054, address: "greeter.example");
        Instance("n5", "127.0.0.5", "greeter-5", "greeter", 50051, address: "127.0.0.1"); // same address and port as greeter-1
        _store.Register("n6", "127.0.0.6", new NodeService
        {
            Kind = ServiceKind.ConnectProxy, Id = "proxy", Service = "greeter-sidecar-proxy", Port = 21000,
            Proxy = new ConnectProxyConfig { DestinationServiceName = "greeter" },
        });

        var snapshot = Build(Anonymous());

        Assert.Equal(["greeter"], snapshot.ServiceNames()); // the sidecar is no proxyless service
        var greeter = snapshot.Find("GREETER")!; // names match as the catalog matches them
        Assert.True(greeter.MayDial);
        ProxylessEndpoint[] expected = [new("127.0.0.1", 50051, 3), new("127.0.0.3", 50053, 1)];
        Assert.Equal(expected, greeter.Endpoints.ToArray());
        Assert.Equal(MeshStore.Datacenter, snapshot.Datacenter);
        Assert.Equal(_store.State.AppliedIndex, snapshot.StoreIndex);
        Assert.Null(snapshot.SourceService);
    }

    [Fact]
    public void Build_DeclaredServiceUnderDefaultDeny_OnlyIntentionAllowedServicesMayBeDialed()
    {
        Instance("n1", "127.0.0.1", "greeter-1", "greeter", 50051);
        Instance("n1", "127.0.0.1", "billing-1", "billing", 50052);
        _store.ConfigEntry("""{"Kind":"service-intentions","Name":"greeter","Sources":[{"Name":"web","Action":"allow"}]}""");
        var deny = MeshStore.Self("deny");

        var named = ProxylessSnapshotBuilder.Build(_store.State, ProxylessKey.Of("pod-7", "web", RequestToken.Anonymous), deny, AllowAllPolicy.Instance);
        var anonymous = ProxylessSnapshotBuilder.Build(_store.State, Anonymous(), deny, AllowAllPolicy.Instance);

        Assert.Equal("web", named.SourceService);
        Assert.True(named.Find("greeter")!.MayDial);
        Assert.False(named.Find("billing")!.MayDial);
        Assert.True(anonymous.Find("billing")!.MayDial); // intentions only bind a client that names its service
    }

    [Fact]
    public void Build_NodeIdThatIsARegisteredService_IsTheSource()
    {
        Instance("n1", "127.0.0.1", "web-1", "web", 80);

        Assert.Equal("web", Build(Anonymous("web")).SourceService);
        Assert.Null(Build(Anonymous("laptop")).SourceService);
        Assert.Equal("api", Build(ProxylessKey.Of("web", "api", RequestToken.Anonymous)).SourceService);
    }

    [Fact]
    public void Key_DeclaredService_NodeDropsOutSoClientsShare()
    {
        Assert.Equal(ProxylessKey.Of("pod-1", "web", RequestToken.Anonymous), ProxylessKey.Of("pod-2", "web", RequestToken.Anonymous));
        Assert.NotEqual(ProxylessKey.Of("pod-1", null, RequestToken.Anonymous), ProxylessKey.Of("pod-2", null, RequestToken.Anonymous));
        Assert.NotEqual(ProxylessKey.Of("pod-1", "web", new RequestToken("a")), ProxylessKey.Of("pod-1", "web", new RequestToken("b")));
        Assert.DoesNotContain("secret", ProxylessKey.Of("pod-1", "web", new RequestToken("secret")).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_RecordsTheKeysItRead()
    {
        Instance("n1", "127.0.0.1", "greeter-1", "greeter", 50051);
        var reads = new HashSet<string>(StringComparer.Ordinal);

        ProxylessSnapshotBuilder.Build(_store.State, Anonymous("laptop"), MeshStore.Self(), AllowAllPolicy.Instance, reads);

        Assert.Contains(WatchKeys.Services, reads);
        Assert.Contains(WatchKeys.Service("greeter"), reads);
        Assert.Contains(WatchKeys.Service("laptop"), reads); // registering the node.id as a service makes it the source
        Assert.Contains(WatchKeys.ConfigKind("service-intentions"), reads);
        Assert.DoesNotContain(WatchKeys.Acl, reads); // ACLs are off
    }

    [Fact]
    public void Build_WithPrevious_ReusesEndpointsOfUnchangedServicesOnly()
    {
        Instance("n1", "127.0.0.1", "greeter-1", "greeter", 50051);
        Instance("n1", "127.0.0.1", "billing-1", "billing", 50052);
        var first = Build(Anonymous());

        Instance("n2", "127.0.0.2", "greeter-2", "greeter", 50053);
        var second = ProxylessSnapshotBuilder.Build(_store.State, Anonymous(), MeshStore.Self(), AllowAllPolicy.Instance, previous: first);

        Assert.True(first.Find("billing")!.Endpoints == second.Find("billing")!.Endpoints); // the same array: not recomputed
        Assert.Equal(2, second.Find("greeter")!.Endpoints.Length);
        Assert.False(ProxylessSnapshot.Same(first, second));
        Assert.True(ProxylessSnapshot.Same(second, Build(Anonymous())));
    }

    [Fact]
    public void Same_IgnoresOnlyTheStoreIndex()
    {
        Instance("n1", "127.0.0.1", "greeter-1", "greeter", 50051);
        var before = Build(Anonymous());
        Instance("n9", "127.0.0.9", "other-proxy", "other-sidecar-proxy", 21000, kind: ServiceKind.ConnectProxy);

        var after = Build(Anonymous());

        Assert.NotEqual(before.StoreIndex, after.StoreIndex);
        Assert.True(ProxylessSnapshot.Same(before, after));
        Assert.False(ProxylessSnapshot.Same(null, after));
    }

    public static TheoryData<string> ComparedTypes() => [.. ProxylessSnapshot.Compared.Keys.Select(type => type.FullName!)];

    [Theory]
    [MemberData(nameof(ComparedTypes))]
    public void Compared_ListsEveryPublicPropertyOfTheType(string typeName)
    {
        var (type, (compared, ignored)) = ProxylessSnapshot.Compared.Single(pair => pair.Key.FullName == typeName);
        var listed = compared.Concat(ignored).ToList();
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(property => property.Name).ToList();

        Assert.Empty(properties.Except(listed, StringComparer.Ordinal)); // a new property: compare it in Same, or list it as ignored
        Assert.Empty(listed.Except(properties, StringComparer.Ordinal));
    }

    private ProxylessSnapshot Build(ProxylessKey key) => ProxylessSnapshotBuilder.Build(_store.State, key, MeshStore.Self(), AllowAllPolicy.Instance);

    private void Instance(string node, string nodeAddress, string id, string name, int port, string? status = null, string? address = null, string kind = ServiceKind.Typical)
    {
        var service = new NodeService
        {
            Kind = kind, Id = id, Service = name, Address = address ?? nodeAddress, Port = port,
            Weights = new ServiceWeights { Passing = 3, Warning = 1 },
            Proxy = kind == ServiceKind.ConnectProxy ? new ConnectProxyConfig { DestinationServiceName = "x" } : ConnectProxyConfig.Empty,
        };
        if (status is null)
        {
            _store.Register(node, nodeAddress, service);
        }
        else
        {
            _store.Register(node, nodeAddress, service, new HealthCheck { CheckId = "check-" + id, Name = "check", Status = status });
        }
    }
}
