using Mesh.Config.ConfigEntries;
using Mesh.Config.Intentions;
using Mesh.Fsm.Model;

namespace Mesh.EnvoyResources.Tests;

/// <summary>Small rules that the golden scenarios do not isolate.</summary>
public sealed class UnitTests
{
    [Fact]
    public void ProxyConfigOptions_NumbersAsStringsAndMixedCaseProtocol_AreReadAsConsulDoes()
    {
        var options = ProxyConfigOptions.Parse(new JsonBlob("""{"protocol":"HTTP2","bind_port":"8888","local_connect_timeout_ms":2500.0,"local_request_timeout_ms":0}"""));

        Assert.Equal("http2", options.Protocol);
        Assert.Equal(8888, options.BindPort);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), options.LocalConnectTimeout);
        Assert.Null(options.LocalRequestTimeout);
    }

    [Fact]
    public void ProxyConfigOptions_EmptyOrWrongTypes_GiveDefaults()
    {
        var options = ProxyConfigOptions.Parse(new JsonBlob("""{"protocol":7,"bind_address":false}"""));

        Assert.Equal("tcp", options.Protocol);
        Assert.Equal(string.Empty, options.BindAddress);
        Assert.Equal(TimeSpan.FromSeconds(5), options.LocalConnectTimeout);
    }

    [Fact]
    public void RouteMatch_CaseInsensitivePrefix_SetsCaseSensitiveFalse()
    {
        var match = RouteMatches.ForRoute(new ServiceRouteMatch { Http = new ServiceRouteHttpMatch { PathPrefix = "/Api", CaseInsensitive = true } });

        Assert.Equal("/Api", match.Prefix);
        Assert.False(match.CaseSensitive);
    }

    [Fact]
    public void RbacRules_L7IntentionOnTcpService_IsTreatedAsDeny()
    {
        IntentionView[] intentions =
        [
            new() { SourceName = "api", DestinationName = "web", Precedence = 9, Permissions = [new IntentionPermissionRule { Action = "allow", Http = new IntentionHttpMatch { PathPrefix = "/" } }] },
        ];

        var denyAll = RbacGenerator.Rules(intentions, defaultAllow: true, "td.consul", isHttp: false);

        var policy = Assert.Single(denyAll.Policies);
        Assert.Equal("consul-intentions-layer4", policy.Key);
        Assert.Contains("/svc/api$", policy.Value.Principals.Single().Authenticated.PrincipalName.SafeRegex.Regex, StringComparison.Ordinal);
    }

    [Fact]
    public void RbacRules_L7IntentionWhosePermissionsAllMatchTheDefault_AddsNoPolicyButStillShadowsWildcard()
    {
        IntentionView[] intentions =
        [
            new() { SourceName = "api", DestinationName = "web", Precedence = 9, Permissions = [new IntentionPermissionRule { Action = "deny", Http = new IntentionHttpMatch { PathPrefix = "/" } }] },
            new() { SourceName = "*", DestinationName = "web", Precedence = 8, Action = "allow" },
        ];

        var rules = RbacGenerator.Rules(intentions, defaultAllow: false, "td.consul", isHttp: true);

        var policy = Assert.Single(rules.Policies);
        Assert.Equal("consul-intentions-layer4", policy.Key);
        var and = policy.Value.Principals.Single().AndIds.Ids;
        Assert.EndsWith("/svc/[^/]+$", and[0].Authenticated.PrincipalName.SafeRegex.Regex, StringComparison.Ordinal);
        Assert.EndsWith("/svc/api$", and[1].NotId.Authenticated.PrincipalName.SafeRegex.Regex, StringComparison.Ordinal);
    }
}
