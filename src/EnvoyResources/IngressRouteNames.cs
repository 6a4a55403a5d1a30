using System.Globalization;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>
/// The RDS route names of an ingress listener (Consul's <c>routeNameForUpstream</c>): the listener's port, or
/// <c>&lt;port&gt;_&lt;service&gt;</c> for a service with its own SDS certificate (and so its own filter chain).
/// </summary>
internal static class IngressRouteNames
{
    public static string Default(IngressListenerSnapshot listener) => listener.Port.ToString(CultureInfo.InvariantCulture);

    public static string ForService(IngressListenerSnapshot listener, IngressServiceSnapshot service)
        => service.HasSdsOverride ? Default(listener) + "_" + service.Upstream.Name : Default(listener);
}
