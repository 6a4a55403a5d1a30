using Mesh.Config.ConfigEntries;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;

namespace Mesh.Config.DiscoveryChain;

/// <summary>
/// The gateway rules of Consul's <c>validateProposedConfigEntryInGraph</c>, run by the FSM against the state being
/// applied to: an ingress, terminating or API gateway entry may not share its name with another gateway kind
/// (<c>checkGatewayClash</c>), and every service an ingress listener names must have the listener's protocol, checked
/// when the ingress entry is written and when service-defaults or proxy-defaults change a protocol
/// (<c>validateProposedIngressProtocolsInServiceGraph</c>). Entries written before these kinds existed are unaffected.
/// </summary>
public static class GatewayEntryGraph
{
    private const string ProbeDatacenter = "dc1";
    private const string ProbeTrustDomain = "11111111-2222-3333-4444-555555555555.consul";

    private static readonly string[] GatewayKinds = [IngressGatewayKind.KindName, TerminatingGatewayKind.KindName, ApiGatewayKind.KindName];

    /// <exception cref="InvalidConfigEntryException">the write clashes with another gateway or breaks an ingress listener's protocol.</exception>
    public static void EnsureValidUpsert(StoreState current, ConfigEntry proposed)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(proposed);
        if (GatewayKinds.Contains(proposed.Kind))
        {
            foreach (var other in GatewayKinds.Where(kind => kind != proposed.Kind && current.FindConfigEntry(kind, proposed.Name) is not null))
            {
                throw new InvalidConfigEntryException(
                    $"cannot create a \"{proposed.Kind}\" config entry with name \"{proposed.Name}\", a \"{other}\" config entry with that name already exists");
            }
        }

        if (proposed.Kind is IngressGatewayKind.KindName or ServiceDefaultsKind.KindName or ProxyDefaultsKind.KindName)
        {
            var next = current with { ConfigEntries = current.ConfigEntries.SetItem(new ConfigEntryKey(proposed.Kind, proposed.Name), proposed) };
            CheckIngressProtocols(next, proposed.Kind == IngressGatewayKind.KindName ? proposed.Name : null);
        }
    }

    /// <exception cref="InvalidConfigEntryException">removing a protocol default would break an ingress listener's protocol.</exception>
    public static void EnsureValidDelete(StoreState current, string kind, string name)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (kind is ServiceDefaultsKind.KindName or ProxyDefaultsKind.KindName)
        {
            CheckIngressProtocols(current with { ConfigEntries = current.ConfigEntries.Remove(new ConfigEntryKey(kind, name)) }, only: null);
        }
    }

    private static void CheckIngressProtocols(StoreState state, string? only)
    {
        foreach (var stored in state.ConfigEntriesOfKind(IngressGatewayKind.KindName).Where(entry => only is null || entry.Name == only))
        {
            foreach (var listener in ConfigEntryKinds.IngressGateway.Read(stored).Listeners ?? [])
            {
                foreach (var service in (listener.Services ?? []).Where(service => service.Name is { Length: > 0 } and not "*"))
                {
                    var protocol = Protocol(state, service.Name!);
                    if (protocol != listener.Protocol)
                    {
                        throw new InvalidConfigEntryException(
                            $"service \"{service.Name}\" has protocol \"{protocol}\", which does not match defined listener protocol \"{listener.Protocol}\"");
                    }
                }
            }
        }
    }

    private static string Protocol(StoreState state, string service)
    {
        try
        {
            return DiscoveryChainCompiler.Compile(state, new CompileRequest
            {
                ServiceName = service,
                EvaluateInDatacenter = ProbeDatacenter,
                EvaluateInTrustDomain = ProbeTrustDomain,
            }).Protocol;
        }
        catch (DiscoveryChainException error)
        {
            throw new InvalidConfigEntryException(error.Message);
        }
    }
}
