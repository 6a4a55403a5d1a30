using Mesh.Config.DiscoveryChain;
using static Mesh.Config.Tests.DiscoveryChain.ChainState;

namespace Mesh.Config.Tests.DiscoveryChain;

/// <summary>Consul's chain compiler cases: node and target structure, SNI, Default, protocol and override rules.</summary>
public sealed class DiscoveryChainCompilerTests
{
    private const string HttpDefaults = """{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"http"}}""";
    private const string WebSubsets = """{"Kind":"service-resolver","Name":"web","Subsets":{"v1":{"Filter":"Service.Meta.version == v1"},"v2":{"Filter":"Service.Meta.version == v2","OnlyPassing":true}}}""";

    [Fact]
    public void Compile_NoEntries_DefaultResolverChain()
    {
        var chain = Compile(With(), "web");

        Assert.True(chain.Default);
        Assert.Equal("tcp", chain.Protocol);
        Assert.Equal("resolver:web.default.default.dc1", chain.StartNode);
        var node = Assert.Single(chain.Nodes).Value;
        Assert.Equal((DiscoveryGraphNodeType.Resolver, "web.default.default.dc1"), (node.Type, node.Name));
        Assert.True(node.Resolver!.Default);
        Assert.Equal(TimeSpan.FromSeconds(5), node.Resolver.ConnectTimeout);
        var target = Assert.Single(chain.Targets).Value;
        Assert.Equal("web.default.default.dc1", target.Id);
        Assert.Equal(Sni("web"), target.Sni);
        Assert.Equal(target.Sni, target.Name);
        Assert.Equal(string.Empty, chain.CustomizationHash);
    }

    [Fact]
    public void Compile_Router_RoutesInOrderThenCatchAll()
    {
        var state = With(HttpDefaults, WebSubsets, """
            {"Kind":"service-router","Name":"web","Routes":[
              {"Match":{"HTTP":{"PathPrefix":"/admin"}},"Destination":{"Service":"admin","PrefixRewrite":"/"}},
              {"Match":{"HTTP":{"Header":[{"Name":"x-canary","Exact":"1"}]}},"Destination":{"ServiceSubset":"v2"}},
              {"Match":{"HTTP":{"Methods":["post"]}},"Destination":{"Service":"writer","RequestTimeout":"10s"}}]}
            """);

        var chain = Compile(state, "web");

        Assert.False(chain.Default);
        Assert.Equal("http", chain.Protocol);
        Assert.Equal("router:web.default.default", chain.StartNode);
        var routes = chain.Nodes["router:web.default.default"].Routes;
        Assert.Equal(
            ["resolver:admin.default.default.dc1", "resolver:v2.web.default.default.dc1", "resolver:writer.default.default.dc1", "resolver:web.default.default.dc1"],
            routes.Select(r => r.NextNode));
        Assert.Equal(["POST"], routes[2].Definition.Match!.Http!.Methods!);
        Assert.Equal("/", routes[3].Definition.Match!.Http!.PathPrefix);
        Assert.Equal("web", routes[3].Definition.Destination!.Service);
        Assert.Equal(Sni("v2.web"), chain.Targets["v2.web.default.default.dc1"].Sni);
        Assert.True(chain.Targets["v2.web.default.default.dc1"].Subset.OnlyPassing);
        Assert.Equal(["admin.default.default.dc1", "v2.web.default.default.dc1", "web.default.default.dc1", "writer.default.default.dc1"], chain.Targets.Keys);
    }

    [Fact]
    public void Compile_SplitterOverSubsets_WeightsAndTargets()
    {
        var state = With(HttpDefaults, WebSubsets,
            """{"Kind":"service-splitter","Name":"web","Splits":[{"Weight":90,"ServiceSubset":"v1"},{"Weight":10,"ServiceSubset":"v2"}]}""");

        var chain = Compile(state, "web");

        Assert.Equal("splitter:web.default.default", chain.StartNode);
        var splits = chain.Nodes[chain.StartNode].Splits;
        Assert.Equal([(90.0, "resolver:v1.web.default.default.dc1"), (10.0, "resolver:v2.web.default.default.dc1")], splits.Select(s => (s.Weight, s.NextNode)));
        Assert.Equal("Service.Meta.version == v1", chain.Targets["v1.web.default.default.dc1"].Subset.Filter);
        Assert.Equal(2, chain.Targets.Count);
    }

    [Fact]
    public void Compile_NestedSplitters_FlattenedWithMultipliedWeights()
    {
        var state = With(HttpDefaults,
            """{"Kind":"service-splitter","Name":"web","Splits":[{"Weight":50,"Service":"a","RequestHeaders":{"Set":{"x-from":"web"}}},{"Weight":50,"Service":"b"}]}""",
            """{"Kind":"service-splitter","Name":"a","Splits":[{"Weight":60,"Service":"c"},{"Weight":40,"Service":"d","RequestHeaders":{"Set":{"x-from":"a"}}}]}""");

        var chain = Compile(state, "web");

        Assert.Equal(["resolver:b.default.default.dc1", "resolver:c.default.default.dc1", "resolver:d.default.default.dc1", "splitter:web.default.default"], chain.Nodes.Keys);
        var splits = chain.Nodes["splitter:web.default.default"].Splits;
        Assert.Equal([(30.0, "resolver:c.default.default.dc1"), (20.0, "resolver:d.default.default.dc1"), (50.0, "resolver:b.default.default.dc1")],
            splits.Select(s => (s.Weight, s.NextNode)));
        Assert.Equal("web", splits[0].Definition.RequestHeaders!.Set!["x-from"]);
        Assert.Equal("a", splits[1].Definition.RequestHeaders!.Set!["x-from"]);
    }

    [Fact]
    public void Compile_DefaultSubset_ResolvesToThatSubset()
    {
        var state = With("""{"Kind":"service-resolver","Name":"web","DefaultSubset":"v1","Subsets":{"v1":{"Filter":"Service.Meta.version == v1"}}}""");

        var chain = Compile(state, "web");

        Assert.Equal("resolver:v1.web.default.default.dc1", chain.StartNode);
        Assert.False(chain.Default);
        Assert.False(chain.Nodes[chain.StartNode].Resolver!.Default);
        Assert.Equal(Sni("v1.web"), Assert.Single(chain.Targets).Value.Sni);
    }

    [Fact]
    public void Compile_Redirect_ResolvesTheOtherService()
    {
        var state = With("""{"Kind":"service-resolver","Name":"web","Redirect":{"Service":"db"}}""");

        var chain = Compile(state, "web");

        Assert.Equal("resolver:db.default.default.dc1", chain.StartNode);
        Assert.False(chain.Default);
        Assert.Equal(["db.default.default.dc1"], chain.Targets.Keys);
        Assert.Equal(Sni("db"), chain.Targets["db.default.default.dc1"].Sni);
    }

    [Fact]
    public void Compile_RedirectLoop_Refused()
    {
        var state = With(
            """{"Kind":"service-resolver","Name":"web","Redirect":{"Service":"db"}}""",
            """{"Kind":"service-resolver","Name":"db","Redirect":{"Service":"web"}}""");

        var error = Assert.Throws<DiscoveryChainException>(() => Compile(state, "web"));

        Assert.Equal("detected circular resolver redirect: [web.default.default.dc1 -> db.default.default.dc1 -> web.default.default.dc1]", error.Message);
    }

    [Fact]
    public void Compile_FailoverDatacentersAndTargets_ListedInOrder()
    {
        var state = With("""
            {"Kind":"service-resolver","Name":"web","ConnectTimeout":"15s","Subsets":{"v1":{"Filter":"Service.Meta.version == v1"}},
             "Failover":{"*":{"Datacenters":["dc2","dc1","dc3"]},"v1":{"Targets":[{"Service":"backup"},{"ServiceSubset":"v1","Datacenter":"dc2"}]}}}
            """);

        var chain = Compile(state, "web");
        var resolver = chain.Nodes[chain.StartNode].Resolver!;

        Assert.Equal(["web.default.default.dc2", "web.default.default.dc3"], resolver.Failover!.Targets.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(15), resolver.ConnectTimeout);
        Assert.Equal(Sni("web", "dc3"), chain.Targets["web.default.default.dc3"].Sni);
        Assert.Equal(TimeSpan.FromSeconds(15), chain.Targets["web.default.default.dc2"].ConnectTimeout);
        Assert.Equal(3, chain.Targets.Count);

        var subsetChain = Compile(With(HttpDefaults, """{"Kind":"service-resolver","Name":"web","Subsets":{"v1":{}},"Failover":{"v1":{"Targets":[{"Service":"backup"},{"ServiceSubset":"v1","Datacenter":"dc2"}]}}}""",
            """{"Kind":"service-router","Name":"web","Routes":[{"Match":{"HTTP":{"PathPrefix":"/v1"}},"Destination":{"ServiceSubset":"v1"}}]}"""), "web");
        Assert.Equal(["backup.default.default.dc1", "v1.web.default.default.dc2"], subsetChain.Nodes["resolver:v1.web.default.default.dc1"].Resolver!.Failover!.Targets.ToArray());
    }

    [Fact]
    public void Compile_ConnectTimeoutOverride_CustomizesOnlyWhenItChangesSomething()
    {
        var state = With("""{"Kind":"service-resolver","Name":"web","ConnectTimeout":"15s"}""");

        var overridden = Compile(state, "web", r => r with { OverrideConnectTimeout = TimeSpan.FromSeconds(3) });
        var same = Compile(state, "web", r => r with { OverrideConnectTimeout = TimeSpan.FromSeconds(15) });

        Assert.Equal(TimeSpan.FromSeconds(3), overridden.Nodes[overridden.StartNode].Resolver!.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), overridden.Targets["web.default.default.dc1"].ConnectTimeout);
        Assert.Matches("^[0-9a-f]{8}$", overridden.CustomizationHash);
        Assert.Equal(string.Empty, same.CustomizationHash);
        Assert.Equal(overridden.CustomizationHash, Compile(state, "web", r => r with { OverrideConnectTimeout = TimeSpan.FromSeconds(3) }).CustomizationHash);
    }

    [Fact]
    public void Compile_InconsistentProtocols_Refused()
    {
        var state = With(
            """{"Kind":"service-defaults","Name":"web","Protocol":"http"}""",
            """{"Kind":"service-defaults","Name":"db","Protocol":"grpc"}""",
            """{"Kind":"service-splitter","Name":"web","Splits":[{"Weight":50},{"Weight":50,"Service":"db"}]}""");

        var error = Assert.Throws<DiscoveryChainException>(() => Compile(state, "web"));

        Assert.Equal("discovery chain \"web\" uses inconsistent protocols; service \"db\" has \"grpc\" which is not \"http\"", error.Message);
    }

    [Fact]
    public void Compile_SplitterCycle_Refused()
    {
        var state = With(HttpDefaults,
            """{"Kind":"service-splitter","Name":"a","Splits":[{"Weight":100,"Service":"b"}]}""",
            """{"Kind":"service-splitter","Name":"b","Splits":[{"Weight":100,"Service":"a"}]}""");

        var error = Assert.Throws<DiscoveryChainException>(() => Compile(state, "a"));

        Assert.Equal("detected circular reference: [splitter:a.default.default -> splitter:b.default.default -> splitter:a.default.default]", error.Message);
    }

    [Fact]
    public void Compile_RouterOnTcpService_Refused()
    {
        var state = With("""{"Kind":"service-router","Name":"web","Routes":[{"Match":{"HTTP":{"PathPrefix":"/a"}}}]}""");

        var error = Assert.Throws<DiscoveryChainException>(() => Compile(state, "web"));

        Assert.Contains("uses a protocol \"tcp\" that does not permit advanced routing or splitting behavior", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_OverrideProtocolTcp_DropsRouterAndSplitter()
    {
        var state = With(HttpDefaults, WebSubsets,
            """{"Kind":"service-router","Name":"web","Routes":[{"Match":{"HTTP":{"PathPrefix":"/a"}},"Destination":{"Service":"admin"}}]}""",
            """{"Kind":"service-splitter","Name":"web","Splits":[{"Weight":50,"ServiceSubset":"v1"},{"Weight":50,"ServiceSubset":"v2"}]}""");

        var chain = Compile(state, "web", r => r with { OverrideProtocol = "tcp" });

        Assert.Equal("tcp", chain.Protocol);
        Assert.Equal("resolver:web.default.default.dc1", chain.StartNode);
        Assert.Single(chain.Nodes);
        Assert.Equal(["web.default.default.dc1"], chain.Targets.Keys);
        Assert.Matches("^[0-9a-f]{8}$", chain.CustomizationHash);
    }

    [Fact]
    public void Compile_MeshGatewayMode_ServiceDefaultsThenProxyDefaultsThenOverride()
    {
        var proxy = """{"Kind":"proxy-defaults","Name":"global","MeshGateway":{"Mode":"local"}}""";
        Assert.Equal("local", Compile(With(proxy), "web").Targets["web.default.default.dc1"].MeshGatewayMode);

        var state = With(proxy, """{"Kind":"service-defaults","Name":"web","MeshGateway":{"Mode":"remote"}}""");
        Assert.Equal("remote", Compile(state, "web").Targets["web.default.default.dc1"].MeshGatewayMode);

        var overridden = Compile(state, "web", r => r with { OverrideMeshGateway = "none" });
        Assert.Equal("none", overridden.Targets["web.default.default.dc1"].MeshGatewayMode);
        Assert.Matches("^[0-9a-f]{8}$", overridden.CustomizationHash);
    }

    [Fact]
    public void Compile_SameInput_EqualChains()
    {
        var state = With(HttpDefaults, WebSubsets,
            """{"Kind":"service-splitter","Name":"web","Splits":[{"Weight":33.33,"ServiceSubset":"v1"},{"Weight":66.67,"ServiceSubset":"v2"}]}""");

        Assert.Equal(Compile(state, "web"), Compile(state, "web"));
    }
}
