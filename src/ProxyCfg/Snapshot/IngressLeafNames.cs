using Mesh.Config.ConfigEntries;
using Mesh.Config.Gateways;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Server;

namespace Mesh.ProxyCfg;

/// <summary>
/// The DNS names an ingress gateway's leaf carries (Consul's <c>generateIngressDNSSANs</c>): none unless the mesh CA's
/// TLS is on at the gateway or on any listener; then <c>*.ingress.&lt;domain&gt;.</c> and
/// <c>*.ingress.&lt;dc&gt;.&lt;domain&gt;.</c> when it exposes any service (all in the default namespace here; the
/// namespace forms are Enterprise), and every exposed service's Hosts, so one certificate serves every listener.
/// The domain is written fully qualified, as Consul's <c>DNSDomain</c> is.
/// </summary>
public static class IngressLeafNames
{
    public static IReadOnlyList<string> Of(StoreState state, string gateway, AgentIdentity self)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(self);
        if (state.FindConfigEntry(IngressGatewayKind.KindName, gateway) is not { } stored)
        {
            return [];
        }

        var entry = ConfigEntryKinds.IngressGateway.Read(stored);
        if (entry.Tls?.Enabled != true && !(entry.Listeners ?? []).Any(listener => listener.Tls?.Enabled == true))
        {
            return [];
        }

        var links = GatewayServiceTable.For(state, gateway).Where(link => link.GatewayKind == ServiceKind.IngressGateway).ToList();
        var names = new List<string>();
        if (links.Count > 0)
        {
            var domain = self.Domain.TrimEnd('.') + ".";
            names.Add("*.ingress." + domain);
            names.Add($"*.ingress.{self.Datacenter}.{domain}");
        }

        names.AddRange(links.SelectMany(link => link.Hosts));
        return names;
    }
}
