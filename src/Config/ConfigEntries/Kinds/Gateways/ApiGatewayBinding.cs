namespace Mesh.Config.ConfigEntries;

/// <summary>
/// Which api-gateway listeners a route binds to (what Consul's gateway controller decides): a parent names the
/// gateway (kind <c>api-gateway</c> or empty, and its name) and either no section or the listener's name; an
/// http-route binds to http listeners, a tcp-route to tcp ones. The builder and the status controller share it.
/// </summary>
public static class ApiGatewayBinding
{
    public const string Http = "http";

    public const string Tcp = "tcp";

    public static bool NamesGateway(ResourceReference parent, string gateway)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return (string.IsNullOrEmpty(parent.Kind) || parent.Kind == ApiGatewayKind.KindName) && parent.Name == gateway;
    }

    public static bool NamesListener(ResourceReference parent, string listener)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return string.IsNullOrEmpty(parent.SectionName) || parent.SectionName == listener;
    }

    /// <summary>True when one of <paramref name="parents"/> names this gateway's listener.</summary>
    public static bool Binds(IEnumerable<ResourceReference>? parents, string gateway, string listener)
        => (parents ?? []).Any(parent => NamesGateway(parent, gateway) && NamesListener(parent, listener));

    /// <summary>A listener's protocol, <c>tcp</c> when unset (Consul's default).</summary>
    public static string ProtocolOf(ApiGatewayListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        return string.IsNullOrEmpty(listener.Protocol) ? Tcp : listener.Protocol;
    }
}
