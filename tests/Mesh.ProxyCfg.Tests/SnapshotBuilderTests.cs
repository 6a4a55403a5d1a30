using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.ProxyCfg.Merge;
using Mesh.ProxyCfg.Tests.Support;

namespace Mesh.ProxyCfg.Tests;

public sealed class SnapshotBuilderTests
{
    [Fact]
    public void Build_WebWithDbUpstream_HasRootsLeafChainAndEndpoints()
    {
        var store = new MeshStore();
        var ca = store.InitializeCa();
        var id = store.RegisterWeb(upstreams: MeshStore.UpstreamTo("db", 9191));
        store.RegisterInstance("db", "node-db-1", "127.0.0.21");

        var snapshot = SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self());

        Assert.NotNull(snapshot);
        Assert.Equal("connect-proxy", snapshot.Kind);
        Assert.Equal("web-sidecar-proxy", snapshot.Service);
        Assert.Equal("127.0.0.10", snapshot.Address); // node address: the sidecar has none
        Assert.Equal(21000, snapshot.Port);
        Assert.Equal("dc1", snapshot.Datacenter);
        Assert.Equal(ca.TrustDomain, snapshot.TrustDomain);
        Assert.Equal(ca.Roots.Single(r => r.Active).Id, snapshot.Roots.ActiveRootId);
        Assert.True(snapshot.Roots.Roots[0].Active);
        Assert.Contains("BEGIN CERTIFICATE", snapshot.Roots.TrustedCaPem, StringComparison.Ordinal);
        Assert.Equal("web", snapshot.Proxy.DestinationServiceName);
        Assert.Equal(store.State.AppliedIndex, snapshot.StoreIndex);

        var upstream = Assert.Single(snapshot.Upstreams);
        Assert.Equal("db", upstream.Id.EnvoyId);
        Assert.Equal(9191, upstream.Config!.LocalBindPort);
        var target = Assert.Single(upstream.Chain.Targets).Value;
        Assert.Equal($"db.default.dc1.internal.{ca.TrustDomain}", target.Sni);
        var endpoint = Assert.Single(upstream.Endpoints[target.Id]);
        Assert.Equal("node-db-1", endpoint.Node);
        Assert.Equal("db-sidecar-proxy", endpoint.ServiceId);
        Assert.Equal("127.0.0.21", endpoint.Address);
        Assert.Equal(21000, endpoint.Port);
        Assert.Equal([HealthStatus.Passing], endpoint.CheckStatuses.ToArray());
    }

    [Fact]
    public void Build_EndpointStatuses_IncludeNodeAndProxyChecksSortedByInstance()
    {
        var store = new MeshStore();
        store.InitializeCa();
        var id = store.RegisterWeb(upstreams: MeshStore.UpstreamTo("db", 9191));
        store.RegisterInstance("db", "node-db-2", "127.0.0.22", proxyCheckStatus: HealthStatus.Warning);
        store.RegisterInstance("db", "node-db-1", "127.0.0.21");
        store.Apply(new RegisterCommand
        {
            Node = "node-db-2",
            Address = "127.0.0.22",
            Datacenter = "dc1",
            Checks = [new HealthCheck { Node = "node-db-2", CheckId = "serfHealth", Name = "Serf", Status = HealthStatus.Critical }],
        });

        var snapshot = SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self())!;

        var endpoints = Assert.Single(snapshot.Upstreams).Endpoints.Values.Single();
        Assert.Equal(["node-db-1", "node-db-2"], endpoints.Select(e => e.Node));
        Assert.Equal([HealthStatus.Passing], endpoints[0].CheckStatuses.ToArray());
        Assert.Equal([HealthStatus.Critical, HealthStatus.Warning], endpoints[1].CheckStatuses.ToArray()); // by check ID: "serfHealth" < "service:..."
    }

    [Fact]
    public void Build_ProxyDefaultsAndServiceDefaults_MergeUnderTheRegistration()
    {
        var store = new MeshStore();
        store.InitializeCa();
        store.ConfigEntry("""{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"tcp","local_connect_timeout_ms":1000,"envoy_stats_tags":["a"]}}""");
        store.ConfigEntry("""{"Kind":"service-defaults","Name":"web","Protocol":"http","UpstreamConfig":{"Defaults":{"ConnectTimeoutMs":2500,"Limits":{"MaxConnections":7}},"Overrides":[{"Name":"db","Protocol":"grpc"}]}}""");
        store.ConfigEntry("""{"Kind":"service-defaults","Name":"cache","Protocol":"http2"}""");
        var id = store.RegisterWeb(
            config: new JsonBlob("""{"local_connect_timeout_ms":3000}"""),
            upstreams: [MeshStore.UpstreamTo("db", 9191), MeshStore.UpstreamTo("cache", 9292, """{"connect_timeout_ms":100}""")]);

        var snapshot = SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self())!;

        Assert.Equal("http", JsonConfig.Text(snapshot.Proxy.Config, "protocol")); // service-defaults beats proxy-defaults
        Assert.Equal(3000, JsonConfig.WholeNumber(snapshot.Proxy.Config, "local_connect_timeout_ms")); // registration wins
        Assert.Contains("envoy_stats_tags", snapshot.Proxy.Config.Json, StringComparison.Ordinal);

        var db = snapshot.Upstreams.Single(u => u.Id.Name == "db");
        Assert.Equal("grpc", JsonConfig.Text(db.Config!.Config, "protocol")); // override
        Assert.Equal(2500, JsonConfig.WholeNumber(db.Config.Config, "connect_timeout_ms")); // defaults
        Assert.Contains("\"max_connections\":7", db.Config.Config.Json, StringComparison.Ordinal);
        Assert.Equal("grpc", db.Chain.Protocol); // the merged protocol overrides the chain's

        var cache = snapshot.Upstreams.Single(u => u.Id.Name == "cache");
        Assert.Equal("http2", JsonConfig.Text(cache.Config!.Config, "protocol")); // the upstream's own service-defaults
        Assert.Equal(100, JsonConfig.WholeNumber(cache.Config.Config, "connect_timeout_ms")); // registration wins
        Assert.Equal(["cache", "db"], snapshot.Upstreams.Select(u => u.Id.EnvoyId));
    }

    [Fact]
    public void Build_ServiceDefaultsModeAndTransparentProxy_FillUnsetRegistrationFields()
    {
        var store = new MeshStore();
        store.InitializeCa();
        store.ConfigEntry("""{"Kind":"proxy-defaults","Name":"global","MeshGateway":{"Mode":"local"}}""");
        store.ConfigEntry("""{"Kind":"service-defaults","Name":"web","Mode":"transparent","TransparentProxy":{"OutboundListenerPort":15009},"Expose":{"Checks":true}}""");
        var id = store.RegisterWeb();

        var snapshot = SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self())!;

        Assert.True(snapshot.IsTransparent);
        Assert.Equal(15009, snapshot.Proxy.TransparentProxy.OutboundListenerPort);
        Assert.Equal("local", snapshot.Proxy.MeshGateway.Mode);
        Assert.True(snapshot.Proxy.Expose.Checks);
    }

    [Fact]
    public void Build_Intentions_MatchDestinationInPrecedenceOrder()
    {
        var store = new MeshStore();
        store.InitializeCa();
        store.ConfigEntry("""{"Kind":"service-intentions","Name":"web","Sources":[{"Name":"*","Action":"deny"},{"Name":"api","Action":"allow"}]}""");
        store.ConfigEntry("""{"Kind":"service-intentions","Name":"*","Sources":[{"Name":"ops","Action":"allow"}]}""");
        store.ConfigEntry("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Action":"allow"}]}""");
        var id = store.RegisterWeb();

        var snapshot = SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self("deny"))!;

        Assert.Equal(["api->web", "*->web", "ops->*"], snapshot.Intentions.Select(i => i.SourceName + "->" + i.DestinationName));
        Assert.False(snapshot.IntentionDefaultAllow);
        Assert.True(SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self())!.IntentionDefaultAllow);
    }

    [Fact]
    public void Build_SubsetTarget_FiltersOnTheDestinationInstancesMeta()
    {
        var store = new MeshStore();
        var ca = store.InitializeCa();
        store.ConfigEntry("""{"Kind":"service-resolver","Name":"db","DefaultSubset":"v2","Subsets":{"v1":{"Filter":"Service.Meta.version == v1"},"v2":{"Filter":"Service.Meta.version == v2"}}}""");
        var id = store.RegisterWeb(upstreams: MeshStore.UpstreamTo("db", 9191));
        store.RegisterInstance("db", "node-db-1", "127.0.0.21", new Dictionary<string, string> { ["version"] = "v1" });
        store.RegisterInstance("db", "node-db-2", "127.0.0.22", new Dictionary<string, string> { ["version"] = "v2" });

        var snapshot = SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self())!;

        var upstream = Assert.Single(snapshot.Upstreams);
        var target = upstream.Chain.Targets["v2.db.default.default.dc1"];
        Assert.Equal($"v2.db.default.dc1.internal.{ca.TrustDomain}", target.Sni);
        Assert.Equal("node-db-2", Assert.Single(upstream.Endpoints[target.Id]).Node);
    }

    [Fact]
    public void Build_MeshEntry_IsCarried()
    {
        var store = new MeshStore();
        store.InitializeCa();
        store.ConfigEntry("""{"Kind":"mesh","TransparentProxy":{"MeshDestinationsOnly":true}}""");
        var id = store.RegisterWeb();

        var snapshot = SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self())!;

        Assert.True(snapshot.Mesh?.TransparentProxy?.MeshDestinationsOnly);
    }

    [Fact]
    public void Build_Transparent_ImpliesUpstreamsAllowedByIntentions()
    {
        var store = new MeshStore();
        store.InitializeCa();
        store.ConfigEntry("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Action":"allow"}]}""");
        store.ConfigEntry("""{"Kind":"service-intentions","Name":"billing","Sources":[{"Name":"web","Action":"deny"}]}""");
        var id = store.RegisterWeb(mode: "transparent", upstreams: MeshStore.UpstreamTo("cache", 9292));
        store.RegisterInstance("db", "node-db-1", "127.0.0.21");
        store.RegisterInstance("billing", "node-billing", "127.0.0.31");
        store.RegisterInstance("cache", "node-cache", "127.0.0.41");
        store.Register("node-db-1", "127.0.0.21", new NodeService
        {
            Id = "db",
            Service = "db",
            Port = 5000,
            TaggedAddresses = new Dictionary<string, ServiceAddress> { ["virtual"] = new() { Address = "240.0.0.5", Port = 5000 } },
        });

        var deny = SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self("deny"))!;
        var allow = SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self("allow"))!;

        Assert.Equal(["cache", "db"], deny.Upstreams.Select(u => u.Id.EnvoyId));
        var db = deny.Upstreams.Single(u => u.Id.Name == "db");
        Assert.Null(db.Config);
        Assert.Equal("240.0.0.5", Assert.Single(db.Endpoints.Values.Single()).VirtualAddress);
        Assert.NotNull(deny.Upstreams.Single(u => u.Id.Name == "cache").Config);
        Assert.Equal(["cache", "db"], allow.Upstreams.Select(u => u.Id.EnvoyId)); // billing denied explicitly, web itself left out
    }

    [Fact]
    public void Build_NotAConnectProxyOrNoCa_ReturnsNull()
    {
        var store = new MeshStore();
        var id = store.RegisterWeb();
        Assert.Null(SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self())); // no CA yet

        store.InitializeCa();
        Assert.NotNull(SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self()));
        Assert.Null(SnapshotBuilder.Build(store.State, new ProxyId("node-web", "web"), MeshStore.Leaf(), MeshStore.Self()));
        Assert.Null(SnapshotBuilder.Build(store.State, new ProxyId("node-web", "missing"), MeshStore.Leaf(), MeshStore.Self()));
    }

    [Fact]
    public void Build_SameInputs_GiveEqualSnapshots()
    {
        var store = new MeshStore();
        store.InitializeCa();
        var id = store.RegisterWeb(upstreams: MeshStore.UpstreamTo("db", 9191));
        store.RegisterInstance("db", "node-db-1", "127.0.0.21");
        var leaf = MeshStore.Leaf();

        var first = SnapshotBuilder.Build(store.State, id, leaf, MeshStore.Self());
        store.RegisterInstance("unrelated", "node-x", "127.0.0.50");
        var second = SnapshotBuilder.Build(store.State, id, leaf, MeshStore.Self());
        store.RegisterInstance("db", "node-db-2", "127.0.0.22");
        var third = SnapshotBuilder.Build(store.State, id, leaf, MeshStore.Self());

        Assert.True(new SnapshotEquality().Same(first, second));
        Assert.False(new SnapshotEquality().Same(second, third));
    }

    [Fact]
    public void Build_RecordsTheWatchKeysItRead()
    {
        var store = new MeshStore();
        store.InitializeCa();
        var id = store.RegisterWeb(upstreams: MeshStore.UpstreamTo("db", 9191));
        var reads = new HashSet<string>(StringComparer.Ordinal);

        SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self(), new BuildScope(BuildCache.Unshared(store.State), reads, previous: null));

        Assert.Contains("node/node-web", reads);
        Assert.Contains("ca/roots", reads);
        Assert.Contains("connect/db", reads);
        Assert.Contains("service/db", reads);
        Assert.Contains("config/service-defaults/web", reads);
        Assert.Contains("config/proxy-defaults/global", reads);
        Assert.Contains("config/service-intentions/web", reads);
        Assert.Contains("config/service-resolver", reads);
        Assert.Contains("config/mesh/mesh", reads);
        Assert.DoesNotContain("services", reads); // only transparent proxies depend on the whole service list
    }
}
