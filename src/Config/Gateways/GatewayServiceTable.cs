using Mesh.Config.ConfigEntries;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;

namespace Mesh.Config.Gateways;

/// <summary>
/// The gateway → service links Consul keeps in its <c>gateway-services</c> table, derived here from the state on read:
/// the ingress-gateway and terminating-gateway config entries, with <c>*</c> expanded to every typical service in the
/// catalog (except <c>consul</c>) that the entry does not name explicitly. A linked service need not be registered
/// (it goes live when it is). Ordered as Consul's index: by service name, then port.
/// </summary>
public static class GatewayServiceTable
{
    private const string Wildcard = "*";

    /// <summary>The services linked to gateway <paramref name="gateway"/> (the wildcard row itself is left out, as Consul).</summary>
    public static IReadOnlyList<GatewayService> For(StoreState state, string gateway)
    {
        ArgumentNullException.ThrowIfNull(state);
        var rows = new List<GatewayService>();
        if (state.FindConfigEntry(IngressGatewayKind.KindName, gateway) is { } ingress)
        {
            rows.AddRange(Ingress(state, ingress));
        }

        if (state.FindConfigEntry(TerminatingGatewayKind.KindName, gateway) is { } terminating)
        {
            rows.AddRange(Terminating(state, terminating));
        }

        return [.. rows.OrderBy(row => row.Service, StringComparer.Ordinal).ThenBy(row => row.Port)];
    }

    /// <summary>The gateways of <paramref name="kind"/> that link <paramref name="service"/> (explicitly or by wildcard).</summary>
    public static IReadOnlyList<GatewayService> GatewaysFor(StoreState state, string service, string kind)
    {
        ArgumentNullException.ThrowIfNull(state);
        return [.. state.ConfigEntriesOfKind(kind)
            .SelectMany(entry => For(state, entry.Name))
            .Where(row => row.Service == service && row.GatewayKind == kind)];
    }

    private static IEnumerable<GatewayService> Ingress(StoreState state, ConfigEntry stored)
    {
        var entry = ConfigEntryKinds.IngressGateway.Read(stored);
        foreach (var listener in entry.Listeners ?? [])
        {
            var services = listener.Services ?? [];
            var named = services.Where(service => service.Name != Wildcard).Select(service => service.Name!).ToHashSet(StringComparer.Ordinal);
            foreach (var service in services)
            {
                var row = new GatewayService
                {
                    Gateway = stored.Name,
                    Service = service.Name!,
                    GatewayKind = ServiceKind.IngressGateway,
                    Port = listener.Port,
                    Protocol = listener.Protocol ?? "tcp",
                    Hosts = service.Hosts ?? [],
                    CreateIndex = stored.CreateIndex,
                    ModifyIndex = stored.ModifyIndex,
                };
                foreach (var linked in Expand(state, row, named))
                {
                    yield return linked;
                }
            }
        }
    }

    private static IEnumerable<GatewayService> Terminating(StoreState state, ConfigEntry stored)
    {
        var entry = ConfigEntryKinds.TerminatingGateway.Read(stored);
        var services = entry.Services ?? [];
        var named = services.Where(service => service.Name != Wildcard).Select(service => service.Name!).ToHashSet(StringComparer.Ordinal);
        foreach (var service in services)
        {
            var row = new GatewayService
            {
                Gateway = stored.Name,
                Service = service.Name!,
                GatewayKind = ServiceKind.TerminatingGateway,
                CaFile = service.CaFile ?? string.Empty,
                CertFile = service.CertFile ?? string.Empty,
                KeyFile = service.KeyFile ?? string.Empty,
                Sni = service.Sni ?? string.Empty,
                ServiceKind = "service",
                CreateIndex = stored.CreateIndex,
                ModifyIndex = stored.ModifyIndex,
            };
            foreach (var linked in Expand(state, row, named))
            {
                yield return linked;
            }
        }
    }

    /// <summary>An explicit link as is; a wildcard link as one row per typical catalog service not named explicitly.</summary>
    private static IEnumerable<GatewayService> Expand(StoreState state, GatewayService row, HashSet<string> named)
    {
        if (row.Service != Wildcard)
        {
            return [row];
        }

        return state.Services.Values
            .Where(service => service.Kind == ServiceKind.Typical && service.Service != "consul" && !named.Contains(service.Service))
            .Select(service => service.Service)
            .Distinct(StringComparer.Ordinal)
            .Select(name => row with { Service = name, FromWildcard = true });
    }
}
