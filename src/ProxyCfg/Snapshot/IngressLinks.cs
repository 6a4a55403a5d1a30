using Mesh.Config.ConfigEntries;
using Mesh.Config.Gateways;
using Mesh.Fsm.Model;

namespace Mesh.ProxyCfg;

/// <summary>
/// An ingress gateway's gateway-service links indexed as Consul's <c>gateway-services</c> table is keyed: explicit
/// links by (port, service), wildcard-expanded links by port (in the table's order, by service name).
/// </summary>
internal sealed class IngressLinks
{
    private readonly Dictionary<(int Port, string Service), GatewayService> _explicit = [];
    private readonly Dictionary<int, List<GatewayService>> _wildcard = [];

    private IngressLinks()
    {
    }

    public static IngressLinks Of(IEnumerable<GatewayService> rows)
    {
        var links = new IngressLinks();
        foreach (var row in rows.Where(row => row.GatewayKind == ServiceKind.IngressGateway))
        {
            if (!row.FromWildcard)
            {
                links._explicit.TryAdd((row.Port, row.Service), row);
            }
            else if (links._wildcard.TryGetValue(row.Port, out var onPort))
            {
                onPort.Add(row);
            }
            else
            {
                links._wildcard[row.Port] = [row];
            }
        }

        return links;
    }

    /// <summary>The links of a listener's services in the entry's order, each with the entry's service it comes from.</summary>
    public IEnumerable<(IngressService Service, GatewayService Link)> OnListener(IngressListener listener)
    {
        foreach (var service in listener.Services ?? [])
        {
            if (service.Name == "*")
            {
                foreach (var link in _wildcard.GetValueOrDefault(listener.Port) ?? [])
                {
                    yield return (service, link);
                }
            }
            else if (service.Name is { } name && _explicit.TryGetValue((listener.Port, name), out var link))
            {
                yield return (service, link);
            }
        }
    }
}
