using System.Text.Json.Nodes;
using Mesh.Config.ConfigEntries;

namespace Mesh.Config.Tests.DiscoveryChain;

/// <summary>service-router, service-splitter and service-resolver: Consul's validation messages, and their normal forms.</summary>
public sealed class ChainEntryValidationTests
{
    private static ParsedConfigEntry Decode(string json) => ConfigEntryKinds.Decode((JsonObject)JsonNode.Parse(json)!);

    private static void Rejected(string json, string message)
    {
        var error = Assert.Throws<InvalidConfigEntryException>(() => Decode(json));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Kind":"service-router"}""", "Name is required")]
    [InlineData("""{"Kind":"service-router","Name":"web","Routes":[{"Match":{"HTTP":{"PathPrefix":"/a","PathExact":"/b"}}}]}""", "Route[0] should only contain at most one of PathExact, PathPrefix, or PathRegex")]
    [InlineData("""{"Kind":"service-router","Name":"web","Routes":[{"Match":{"HTTP":{"PathPrefix":"a"}}}]}""", "Route[0] PathPrefix doesn't start with '/': \"a\"")]
    [InlineData("""{"Kind":"service-router","Name":"web","Routes":[{},{"Match":{"HTTP":{"PathExact":"b"}}}]}""", "Route[1] PathExact doesn't start with '/': \"b\"")]
    [InlineData("""{"Kind":"service-router","Name":"web","Routes":[{"Match":{"HTTP":{"Header":[{"Name":"x","Exact":"1","Prefix":"2"}]}}}]}""", "Route[0] Header[0] should only contain one of Present, Exact, Prefix, Suffix, or Regex")]
    [InlineData("""{"Kind":"service-router","Name":"web","Routes":[{"Match":{"HTTP":{"Header":[{"Exact":"1"}]}}}]}""", "Route[0] Header[0] missing required Name field")]
    [InlineData("""{"Kind":"service-router","Name":"web","Routes":[{"Match":{"HTTP":{"QueryParam":[{"Name":"q"}]}}}]}""", "Route[0] QueryParam[0] should only contain one of Present, Exact, or Regex")]
    [InlineData("""{"Kind":"service-router","Name":"web","Routes":[{"Match":{"HTTP":{"Methods":["GET","FETCH"]}}}]}""", "Route[0] Methods contains an invalid method \"FETCH\"")]
    [InlineData("""{"Kind":"service-router","Name":"web","Routes":[{"Match":{"HTTP":{"Methods":["get","GET"]}}}]}""", "Route[0] Methods contains \"GET\" more than once")]
    [InlineData("""{"Kind":"service-router","Name":"web","Routes":[{"Match":{"HTTP":{"PathRegex":"/a.*"}},"Destination":{"PrefixRewrite":"/"}}]}""", "Route[0] cannot make use of PrefixRewrite without configuring either PathExact or PathPrefix")]
    [InlineData("""{"Kind":"service-router","Name":"web","Routes":[{"Destination":{"RetryOn":["5xx","sometimes"]}}]}""", "Route[0] contains an invalid retry condition: \"sometimes\"")]
    [InlineData("""{"Kind":"service-router","Name":"web","Routes":[{"Destination":{"RequestTimeout":"-1s"}}]}""", "Bad Route[0] RequestTimeout '-1s', must be >= 0")]
    [InlineData("""{"Kind":"service-router","Name":"web","Routes":[{"Destination":{"IdleTimeout":"soon"}}]}""", "Route[0] IdleTimeout: time: invalid duration \"soon\"")]
    [InlineData("""{"Kind":"service-router","Name":"web","Routes":[{"Bogus":1}]}""", "invalid config key \"Routes[0].Bogus\"")]
    public void Router_Invalid_Rejected(string json, string message) => Rejected(json, message);

    [Theory]
    [InlineData("""{"Kind":"service-splitter","Name":"web"}""", "no splits configured")]
    [InlineData("""{"Kind":"service-splitter","Name":"web","Splits":[{"Weight":50},{"Weight":40,"Service":"db"}]}""", "the sum of all split weights must be 100, not 90.000000")]
    [InlineData("""{"Kind":"service-splitter","Name":"web","Splits":[{"Weight":110},{"Weight":-10,"Service":"db"}]}""", "Splits[1].Weight must be >= 0")]
    [InlineData("""{"Kind":"service-splitter","Name":"web","Splits":[{"Weight":50,"ServiceSubset":"v1"},{"Weight":50,"Service":"web","ServiceSubset":"v1"}]}""", "split destination occurs more than once: service=\"web\", subset=\"v1\"")]
    public void Splitter_Invalid_Rejected(string json, string message) => Rejected(json, message);

    [Theory]
    [InlineData("""{"Kind":"service-resolver","Name":"web","Subsets":{"V1":{}}}""", "Subset \"V1\" is invalid: must be 63 characters or fewer, begin or end with lower case alphanumeric")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","DefaultSubset":"v9","Subsets":{"v1":{}}}""", "DefaultSubset \"v9\" is not a valid subset")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","Subsets":{"v1":{"Filter":"Service.Meta.version =="}}}""", "Filter for subset \"v1\" is not a valid expression")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","Redirect":{"Service":"db"},"Failover":{"*":{"Service":"db2"}}}""", "Redirect and Failover cannot both be set")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","Redirect":{"Service":"db"},"DefaultSubset":"v1","Subsets":{"v1":{}}}""", "Redirect cannot be set with Subsets or DefaultSubset")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","Redirect":{}}""", "Redirect is empty")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","Redirect":{"Service":"web"}}""", "Redirect cannot point at the resolver's own service \"web\"")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","Redirect":{"ServiceSubset":"v1"}}""", "Redirect.ServiceSubset defined without Redirect.Service")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","Failover":{"v1":{"Service":"db"}}}""", "Bad Failover[\"v1\"]: not a valid subset subset")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","Failover":{"*":{}}}""", "Bad Failover[\"*\"]: one of Service, ServiceSubset, Namespace, Targets, or Datacenters is required")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","Failover":{"*":{"Datacenters":["dc2"],"Targets":[{"Datacenter":"dc3"}]}}}""", "Bad Failover[\"*\"]: Targets cannot be set with Datacenters")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","Failover":{"*":{"Targets":[{"Peer":"p","Datacenter":"dc3"}]}}}""", "Bad Failover[\"*\"].Targets[0]: Peer cannot be set with Datacenter")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","Failover":{"*":{"Datacenters":[""]}}}""", "Bad Failover[\"*\"].Datacenters: found empty datacenter")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","ConnectTimeout":"-5s"}""", "Bad ConnectTimeout '-5s', must be >= 0")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","RequestTimeout":"5 s"}""", "RequestTimeout: time: invalid duration \"5 s\"")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","LoadBalancer":{"Policy":"fastest"}}""", "Bad LoadBalancer policy: \"fastest\" is not supported")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","LoadBalancer":{"Policy":"random","RingHashConfig":{"MinimumRingSize":3}}}""", "RingHashConfig specified for incompatible load balancing policy \"random\"")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","LoadBalancer":{"Policy":"ring_hash","LeastRequestConfig":{"ChoiceCount":2}}}""", "LeastRequestConfig specified for incompatible load balancing policy \"ring_hash\"")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","LoadBalancer":{"Policy":"round_robin","HashPolicies":[{"SourceIP":true}]}}""", "HashPolicies specified for non-hash-based Policy: \"round_robin\"")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","LoadBalancer":{"Policy":"maglev","HashPolicies":[{"Field":"header"}]}}""", "Bad LoadBalancer HashPolicy[0]: Field \"header\" was specified without a FieldValue")]
    public void Resolver_Invalid_Rejected(string json, string message) => Rejected(json, message);

    [Fact]
    public void Router_Normalized_MethodsUpperAndDurationsInGoForm()
    {
        var parsed = Decode("""{"Kind":"service-router","Name":"web","Routes":[{"Match":{"HTTP":{"PathPrefix":"/a","Methods":["get"]}},"Destination":{"RequestTimeout":"10000ms","IdleTimeout":"90s"}}]}""");

        Assert.Contains("\"Methods\":[\"GET\"]", parsed.Body.Json, StringComparison.Ordinal);
        Assert.Contains("\"RequestTimeout\":\"10s\"", parsed.Body.Json, StringComparison.Ordinal);
        Assert.Contains("\"IdleTimeout\":\"1m30s\"", parsed.Body.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void Splitter_Normalized_WeightsRoundedToTwoDecimals()
    {
        var parsed = Decode("""{"Kind":"service-splitter","Name":"web","Splits":[{"Weight":33.333},{"Weight":66.667,"Service":"db"}]}""");

        Assert.Contains("\"Weight\":33.33", parsed.Body.Json, StringComparison.Ordinal);
        Assert.Contains("\"Weight\":66.67", parsed.Body.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolver_Valid_Accepted()
    {
        var parsed = Decode("""
            {"Kind":"service-resolver","Name":"web","DefaultSubset":"v1","ConnectTimeout":"15s",
             "Subsets":{"v1":{"Filter":"Service.Meta.version == v1"},"v2":{"OnlyPassing":true}},
             "Failover":{"*":{"Datacenters":["dc2"]},"v2":{"Targets":[{"Service":"web-backup"},{"ServiceSubset":"v1"}],"Policy":{"Mode":"order-by-locality"}}},
             "LoadBalancer":{"Policy":"ring_hash","RingHashConfig":{"MinimumRingSize":1024},"HashPolicies":[{"Field":"cookie","FieldValue":"id","CookieConfig":{"TTL":"60s"}},{"SourceIP":true}]}}
            """);

        Assert.Equal(("service-resolver", "web"), (parsed.Kind, parsed.Name));
        Assert.Contains("\"SourceIP\":true", parsed.Body.Json, StringComparison.Ordinal);
        Assert.Contains("\"TTL\":\"1m0s\"", parsed.Body.Json, StringComparison.Ordinal);
    }
}
