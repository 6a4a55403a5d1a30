using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf.WellKnownTypes;
using Mesh.Config.Intentions;
using HttpRbac = Envoy.Extensions.Filters.Http.Rbac.V3.RBAC;
using NetworkRbac = Envoy.Extensions.Filters.Network.Rbac.V3.RBAC;
using Rbac = Envoy.Config.Rbac.V3;

namespace Mesh.EnvoyResources;

/// <summary>
/// The public listener's authorization filter from intentions (Consul's <c>makeRBACNetworkFilter</c> /
/// <c>makeRBACHTTPFilter</c>). Default deny lists what is allowed (action ALLOW); default allow lists what is denied.
/// </summary>
internal static class RbacGenerator
{
    public const string NetworkFilterName = "envoy.filters.network.rbac";
    public const string HttpFilterName = "envoy.filters.http.rbac";
    private const string Layer4Policy = "consul-intentions-layer4";
    private const string Layer7PolicyPrefix = "consul-intentions-layer7-";

    public static Filter NetworkFilter(IEnumerable<IntentionView> intentions, bool defaultAllow, string trustDomain) => new()
    {
        Name = NetworkFilterName,
        TypedConfig = Any.Pack(new NetworkRbac { StatPrefix = "connect_authz", Rules = Rules(intentions, defaultAllow, trustDomain, isHttp: false) }),
    };

    public static HttpFilter HttpFilter(IEnumerable<IntentionView> intentions, bool defaultAllow, string trustDomain) => new()
    {
        Name = HttpFilterName,
        TypedConfig = Any.Pack(new HttpRbac { Rules = Rules(intentions, defaultAllow, trustDomain, isHttp: true) }),
    };

    /// <summary><c>makeRBACRules</c>: L4 intentions share one policy; each L7 intention gets its own, numbered by position.</summary>
    public static Rbac.RBAC Rules(IEnumerable<IntentionView> intentions, bool defaultAllow, string trustDomain, bool isHttp)
    {
        var defaultAction = defaultAllow ? RbacAction.Allow : RbacAction.Deny;
        var flattened = RbacIntention.RemovePrecedence(RbacIntention.FromIntentions(intentions, isHttp), defaultAction, trustDomain);

        var rules = new Rbac.RBAC { Action = defaultAllow ? Rbac.RBAC.Types.Action.Deny : Rbac.RBAC.Types.Action.Allow };
        var layer4 = new List<Rbac.Principal>();
        for (var i = 0; i < flattened.Count; i++)
        {
            var intention = flattened[i];
            if (intention.Action != RbacAction.Layer7)
            {
                layer4.Add(intention.ComputedPrincipal!);
                continue;
            }

            var policy = new Rbac.Policy { Principals = { intention.ComputedPrincipal! } };
            policy.Permissions.AddRange(intention.Permissions.Select(p => p.Flatten()));
            rules.Policies[Layer7PolicyPrefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = policy;
        }

        if (layer4.Count > 0)
        {
            var policy = new Rbac.Policy { Permissions = { RbacPermissions.Any() } };
            policy.Principals.AddRange(layer4);
            rules.Policies[Layer4Policy] = policy;
        }

        return rules;
    }
}
