namespace Mesh.EnvoyResources.Tests.Support;

/// <summary>
/// Scenarios whose upstream chain is shaped by service-router, service-splitter and service-resolver entries
/// (compiled by the real discovery-chain compiler), after Consul's connect-proxy-with-chain-* fixtures.
/// </summary>
internal static class ChainScenarios
{
    public static IEnumerable<KeyValuePair<string, Action<MeshFixture>>> All =>
    [
        new("chain-and-router", Router),
        new("chain-and-splitter", Splitter),
        new("chain-and-failover", Failover),
        new("splitter-with-resolver-redirect", f =>
        {
            SplitterWithResolverRedirect(f);
            f.RegisterWeb(web => web with { Upstreams = [MeshFixture.UpstreamTo("db", 9191)] });
        }),
        new("chain-with-redirect", Redirect),
        new("chain-with-subsets", Subsets),
        new("chain-with-load-balancer", LoadBalancer),
        new("chain-with-grpc-router", f =>
        {
            f.ConfigEntry("""{"Kind":"service-defaults","Name":"db","Protocol":"grpc"}""");
            f.ConfigEntry("""{"Kind":"service-defaults","Name":"prefix","Protocol":"grpc"}""");
            f.ConfigEntry("""{"Kind":"service-resolver","Name":"db","ConnectTimeout":"33s"}""");
            f.ConfigEntry("""
                {"Kind":"service-router","Name":"db","Routes":[{"Match":{"HTTP":{"PathExact":"/fgrpc.PingServer/Ping"}},"Destination":{"Service":"prefix"}}]}
                """);
            Scenarios.Base(f);
        }),
        new("http2-upstream", f =>
        {
            f.ConfigEntry("""{"Kind":"service-defaults","Name":"db","Protocol":"http2"}""");
            Scenarios.Base(f);
        }),
    ];

    /// <summary>
    /// Consul's splitter-with-resolver-redirect-multidc chain: db splits 50/50 to db-dc1 and db-dc2, whose resolvers
    /// redirect to db subset v1 in dc1 and subset v2 in dc2. dc1's db instances (v1) are in this fixture's store; dc2's
    /// (v2, 127.20.1.1 and 127.20.1.2) in a second fixture's store, standing for dc2's servers, read as proxycfg's
    /// cross-datacenter watch reads them (<c>HealthRows.Read</c> with Connect).
    /// </summary>
    internal static void SplitterWithResolverRedirect(MeshFixture f)
    {
        f.ConfigEntry("""{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"http"}}""");
        f.ConfigEntry("""{"Kind":"service-splitter","Name":"db","Splits":[{"Weight":50,"Service":"db-dc1"},{"Weight":50,"Service":"db-dc2"}]}""");
        f.ConfigEntry("""{"Kind":"service-resolver","Name":"db-dc1","Redirect":{"Service":"db","ServiceSubset":"v1","Datacenter":"dc1"}}""");
        f.ConfigEntry("""{"Kind":"service-resolver","Name":"db-dc2","Redirect":{"Service":"db","ServiceSubset":"v2","Datacenter":"dc2"}}""");
        f.ConfigEntry("""
            {"Kind":"service-resolver","Name":"db","Subsets":{"v1":{"Filter":"Service.Meta.version == v1"},"v2":{"Filter":"Service.Meta.version == v2"}}}
            """);
        var v1 = new Dictionary<string, string> { ["version"] = "v1" };
        f.RegisterInstance("db", "node-db-1", "127.10.1.1", meta: v1);
        f.RegisterInstance("db", "node-db-2", "127.10.1.2", meta: v1);
        var dc2 = new MeshFixture { NodeDatacenter = "dc2" };
        var v2 = new Dictionary<string, string> { ["version"] = "v2" };
        dc2.RegisterInstance("db", "node-db-dc2-1", "127.20.1.1", meta: v2);
        dc2.RegisterInstance("db", "node-db-dc2-2", "127.20.1.2", meta: v2);
        f.RemoteRows = (datacenter, service) => datacenter == "dc2" ? Mesh.Server.Federation.HealthRows.Read(dc2.State, service, connect: true) : null;
    }

    /// <summary>Consul's router fixture: one route per match and destination feature.</summary>
    internal static void Router(MeshFixture f)
    {
        HttpEverywhere(f);
        f.ConfigEntry("""
            {"Kind":"service-splitter","Name":"split-3-ways","Splits":[
              {"Weight":95.5,"Service":"big-side"},{"Weight":4,"Service":"goldilocks-side"},{"Weight":0.5,"Service":"lil-bit-side"}]}
            """);
        f.ConfigEntry("""
            {"Kind":"service-router","Name":"db","Routes":[
              {"Match":{"HTTP":{"PathPrefix":"/prefix"}},"Destination":{"Service":"prefix"}},
              {"Match":{"HTTP":{"PathExact":"/exact"}},"Destination":{"Service":"exact"}},
              {"Match":{"HTTP":{"PathRegex":"/regex"}},"Destination":{"Service":"regex"}},
              {"Match":{"HTTP":{"Header":[{"Name":"x-debug","Present":true}]}},"Destination":{"Service":"hdr-present"}},
              {"Match":{"HTTP":{"Header":[{"Name":"x-debug","Present":true,"Invert":true}]}},"Destination":{"Service":"hdr-not-present"}},
              {"Match":{"HTTP":{"Header":[{"Name":"x-debug","Exact":"exact"}]}},"Destination":{"Service":"hdr-exact"}},
              {"Match":{"HTTP":{"Header":[{"Name":"x-debug","Prefix":"prefix"}]}},"Destination":{"Service":"hdr-prefix"}},
              {"Match":{"HTTP":{"Header":[{"Name":"x-debug","Suffix":"suffix"}]}},"Destination":{"Service":"hdr-suffix"}},
              {"Match":{"HTTP":{"Header":[{"Name":"x-debug","Regex":"regex"}]}},"Destination":{"Service":"hdr-regex"}},
              {"Match":{"HTTP":{"Methods":["GET","PUT"]}},"Destination":{"Service":"just-methods"}},
              {"Match":{"HTTP":{"Header":[{"Name":"x-debug","Exact":"exact"}],"Methods":["GET","PUT"]}},"Destination":{"Service":"hdr-exact-with-method"}},
              {"Match":{"HTTP":{"QueryParam":[{"Name":"secretparam1","Exact":"exact"}]}},"Destination":{"Service":"prm-exact"}},
              {"Match":{"HTTP":{"QueryParam":[{"Name":"secretparam2","Regex":"regex"}]}},"Destination":{"Service":"prm-regex"}},
              {"Match":{"HTTP":{"QueryParam":[{"Name":"secretparam3","Present":true}]}},"Destination":{"Service":"prm-present"}},
              {"Destination":{"Service":"nil-match"}},
              {"Match":{},"Destination":{"Service":"empty-match-1"}},
              {"Match":{"HTTP":{}},"Destination":{"Service":"empty-match-2"}},
              {"Match":{"HTTP":{"PathPrefix":"/prefix"}},"Destination":{"Service":"prefix-rewrite-1","PrefixRewrite":"/"}},
              {"Match":{"HTTP":{"PathPrefix":"/prefix"}},"Destination":{"Service":"prefix-rewrite-2","PrefixRewrite":"/nested/newlocation"}},
              {"Match":{"HTTP":{"PathPrefix":"/timeout"}},"Destination":{"Service":"req-timeout","RequestTimeout":"33s"}},
              {"Match":{"HTTP":{"PathPrefix":"/idle-timeout"}},"Destination":{"Service":"idle-timeout","IdleTimeout":"33s"}},
              {"Match":{"HTTP":{"PathPrefix":"/retry-connect"}},"Destination":{"Service":"retry-connect","NumRetries":15,"RetryOnConnectFailure":true}},
              {"Match":{"HTTP":{"PathPrefix":"/retry-reset"}},"Destination":{"Service":"retry-reset","NumRetries":15,"RetryOn":["reset"]}},
              {"Match":{"HTTP":{"PathPrefix":"/retry-codes"}},"Destination":{"Service":"retry-codes","NumRetries":15,"RetryOnStatusCodes":[401,409,451]}},
              {"Match":{"HTTP":{"PathPrefix":"/retry-all"}},"Destination":{"Service":"retry-all","RetryOnConnectFailure":true,
                "RetryOn":["5xx","gateway-error","reset","connect-failure","envoy-ratelimited","retriable-4xx","refused-stream","cancelled","deadline-exceeded","internal","resource-exhausted","unavailable"],
                "RetryOnStatusCodes":[401,409,451]}},
              {"Match":{"HTTP":{"PathPrefix":"/split-3-ways"}},"Destination":{"Service":"split-3-ways"}},
              {"Match":{"HTTP":{"PathExact":"/header-manip"}},"Destination":{"Service":"header-manip",
                "RequestHeaders":{"Add":{"request":"bar"},"Set":{"bar":"baz"},"Remove":["qux"]},
                "ResponseHeaders":{"Add":{"response":"bar"},"Set":{"bar":"baz"},"Remove":["qux"]}}}]}
            """);
        Scenarios.Base(f);
    }

    /// <summary>Consul's splitter fixture: two routed sides and a four-way split with per-leg headers.</summary>
    private static void Splitter(MeshFixture f)
    {
        HttpEverywhere(f);
        f.ConfigEntry("""
            {"Kind":"service-splitter","Name":"db","Splits":[
              {"Weight":1,"Service":"db","RequestHeaders":{"Set":{"x-split-leg":"db"}},"ResponseHeaders":{"Set":{"x-split-leg":"db"}}},
              {"Weight":95.5,"Service":"big-side","RequestHeaders":{"Set":{"x-split-leg":"big"}},"ResponseHeaders":{"Set":{"x-split-leg":"big"}}},
              {"Weight":3,"Service":"goldilocks-side","RequestHeaders":{"Set":{"x-split-leg":"goldilocks"}},"ResponseHeaders":{"Set":{"x-split-leg":"goldilocks"}}},
              {"Weight":0.5,"Service":"lil-bit-side","RequestHeaders":{"Set":{"x-split-leg":"small"}},"ResponseHeaders":{"Set":{"x-split-leg":"small"}}}]}
            """);
        f.ConfigEntry("""
            {"Kind":"service-router","Name":"db","Routes":[
              {"Match":{"HTTP":{"PathPrefix":"/big-side"}},"Destination":{"Service":"big-side","RequestTimeout":"10s"}},
              {"Match":{"HTTP":{"PathPrefix":"/lil-bit-side"}},"Destination":{"Service":"lil-bit-side"}}]}
            """);
        Scenarios.Base(f);
        f.RegisterInstance("big-side", "node-big-1", "127.30.1.1");
    }

    /// <summary>Consul's failover fixture: db fails over to fail (its own instances), 33s connect timeout, tcp.</summary>
    internal static void Failover(MeshFixture f)
    {
        f.ConfigEntry("""{"Kind":"service-resolver","Name":"db","ConnectTimeout":"33s","Failover":{"*":{"Service":"fail"}}}""");
        Scenarios.Base(f);
        f.RegisterInstance("fail", "node-fail-1", "127.20.1.1");
        f.RegisterInstance("fail", "node-fail-2", "127.20.1.2");
    }

    private static void Redirect(MeshFixture f)
    {
        f.ConfigEntry("""{"Kind":"service-resolver","Name":"db","Redirect":{"Service":"db-v2"}}""");
        Scenarios.Base(f);
        f.RegisterInstance("db-v2", "node-db-v2", "127.10.2.1");
    }

    /// <summary>Subsets by version, the default one only-passing (a warning instance is then unhealthy), split over HTTP.</summary>
    private static void Subsets(MeshFixture f)
    {
        f.ConfigEntry("""{"Kind":"service-defaults","Name":"db","Protocol":"http"}""");
        f.ConfigEntry("""
            {"Kind":"service-resolver","Name":"db","DefaultSubset":"v1","Subsets":{
              "v1":{"Filter":"Service.Meta.version == v1","OnlyPassing":true},
              "v2":{"Filter":"Service.Meta.version == v2"}}}
            """);
        f.ConfigEntry("""
            {"Kind":"service-splitter","Name":"db","Splits":[{"Weight":66.67,"ServiceSubset":"v1"},{"Weight":33.33,"ServiceSubset":"v2"}]}
            """);
        f.RegisterWeb(web => web with { Upstreams = [MeshFixture.UpstreamTo("db", 9191)] });
        f.RegisterInstance("db", "node-db-1", "127.10.1.1", meta: new Dictionary<string, string> { ["version"] = "v1" });
        f.RegisterInstance("db", "node-db-2", "127.10.1.2", Mesh.Fsm.Model.HealthStatus.Warning, meta: new Dictionary<string, string> { ["version"] = "v1" });
        f.RegisterInstance("db", "node-db-3", "127.10.1.3", Mesh.Fsm.Model.HealthStatus.Warning, meta: new Dictionary<string, string> { ["version"] = "v2" });
    }

    private static void LoadBalancer(MeshFixture f)
    {
        f.ConfigEntry("""{"Kind":"service-defaults","Name":"db","Protocol":"http"}""");
        f.ConfigEntry("""
            {"Kind":"service-resolver","Name":"db","RequestTimeout":"7s","LoadBalancer":{"Policy":"ring_hash",
              "RingHashConfig":{"MinimumRingSize":1024,"MaximumRingSize":4096},
              "HashPolicies":[{"Field":"header","FieldValue":"x-user"},{"SourceIP":true,"Terminal":true}]}}
            """);
        Scenarios.Base(f);
    }

    private static void HttpEverywhere(MeshFixture f)
        => f.ConfigEntry("""{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"http"}}""");
}
