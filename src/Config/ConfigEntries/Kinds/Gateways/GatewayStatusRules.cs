using Mesh.Fsm.Model;
using Mesh.Fsm.State;

namespace Mesh.Config.ConfigEntries;

/// <summary>The status a controlled entry should carry, next to the entry as stored.</summary>
public sealed record ControlledStatusUpdate(ConfigEntry Stored, ControlledStatus Current, IReadOnlyList<StatusCondition> Desired);

/// <summary>
/// What Consul's gateway controller reports in the <c>Status</c> of api-gateways and routes, computed from the
/// entries as stored (conditions carry no transition time here; the controller stamps it). Gateway: <c>Accepted</c>
/// (or <c>InvalidCertificates</c>), then per listener <c>ResolvedRefs</c> for its certificate references and
/// <c>Conflicted</c> (a tcp listener takes one route). Route: <c>Accepted</c> (or no services targeted), then per
/// parent <c>Bound</c>, <c>GatewayNotFound</c> or <c>FailedToBind</c>, with the binding rules of
/// <see cref="ApiGatewayBinding"/> that the gateway's resources follow.
/// </summary>
public static class GatewayStatusRules
{
    public static IReadOnlyList<ControlledStatusUpdate> Compute(StoreState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var gateways = state.ConfigEntriesOfKind(ApiGatewayKind.KindName)
            .Select(stored => (Stored: stored, Entry: ConfigEntryKinds.ApiGateway.Read(stored)))
            .ToDictionary(gateway => gateway.Stored.Name, StringComparer.Ordinal);
        var http = state.ConfigEntriesOfKind(HttpRouteKind.KindName)
            .Select(stored => (Stored: stored, Entry: ConfigEntryKinds.HttpRoute.Read(stored))).ToList();
        var tcp = state.ConfigEntriesOfKind(TcpRouteKind.KindName)
            .Select(stored => (Stored: stored, Entry: ConfigEntryKinds.TcpRoute.Read(stored))).ToList();

        var updates = new List<ControlledStatusUpdate>();
        foreach (var (stored, gateway) in gateways.Values)
        {
            var tcpParents = tcp.Select(route => route.Entry.Parents).ToList();
            updates.Add(new(stored, gateway.Status ?? new(), GatewayConditions(state, stored.Name, gateway, tcpParents)));
        }

        foreach (var (stored, route) in http)
        {
            var services = (route.Rules ?? []).SelectMany(rule => rule.Services ?? []).Any(service => !string.IsNullOrEmpty(service.Name));
            updates.Add(new(stored, route.Status ?? new(), RouteConditions(gateways, route.Parents, ApiGatewayBinding.Http, services)));
        }

        foreach (var (stored, route) in tcp)
        {
            var services = (route.Services ?? []).Any(service => !string.IsNullOrEmpty(service.Name));
            updates.Add(new(stored, route.Status ?? new(), RouteConditions(gateways, route.Parents, ApiGatewayBinding.Tcp, services)));
        }

        return updates;
    }

    /// <summary>True when the stored conditions already say what <paramref name="desired"/> says (times aside).</summary>
    public static bool Matches(ControlledStatus current, IReadOnlyList<StatusCondition> desired)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(desired);
        var stored = current.Conditions ?? [];
        return stored.Count == desired.Count && stored.Zip(desired).All(pair => pair.First with { LastTransitionTime = null } == pair.Second);
    }

    /// <summary>
    /// The desired conditions with transition times: a condition the entry already carries keeps its time, a new or
    /// changed one gets <paramref name="now"/> (Consul's RFC 3339 form).
    /// </summary>
    public static ControlledStatus Stamp(ControlledStatus current, IReadOnlyList<StatusCondition> desired, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(desired);
        var stamp = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var known = current.Conditions ?? [];
        return new ControlledStatus
        {
            Conditions = desired
                .Select(condition => condition with
                {
                    LastTransitionTime = known.FirstOrDefault(old => old with { LastTransitionTime = null } == condition)?.LastTransitionTime ?? stamp,
                })
                .ToList(),
        };
    }

    /// <summary>The stored entry with <paramref name="status"/> in its body (everything else as it was).</summary>
    public static ConfigEntry WithStatus(ConfigEntry stored, ControlledStatus status)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var body = stored.Kind switch
        {
            ApiGatewayKind.KindName => ConfigEntryJson.Canonical(ConfigEntryKinds.ApiGateway.Read(stored) with { Status = status }),
            HttpRouteKind.KindName => ConfigEntryJson.Canonical(ConfigEntryKinds.HttpRoute.Read(stored) with { Status = status }),
            TcpRouteKind.KindName => ConfigEntryJson.Canonical(ConfigEntryKinds.TcpRoute.Read(stored) with { Status = status }),
            _ => throw new ArgumentException($"{stored.Kind} entries carry no controller status", nameof(stored)),
        };
        return stored with { Body = body };
    }

    private static List<StatusCondition> GatewayConditions(
        StoreState state, string name, ApiGatewayEntry gateway, List<List<ResourceReference>?> tcpRouteParents)
    {
        var listeners = new List<StatusCondition>();
        var invalid = false;
        foreach (var listener in gateway.Listeners ?? [])
        {
            var listenerName = listener.Name ?? string.Empty;
            var reference = new ResourceReference { Kind = ApiGatewayKind.KindName, Name = name, SectionName = listenerName };
            var broken = (listener.Tls?.Certificates ?? []).Select(certificate => CertificateProblem(state, certificate)).OfType<string>().FirstOrDefault();
            invalid |= broken is not null;
            listeners.Add(broken is null
                ? Condition("ResolvedRefs", "True", "ResolvedRefs", "resolved certificate reference", reference)
                : Condition("ResolvedRefs", "False", "InvalidCertificateRef", broken, reference));

            var tcpRoutes = ApiGatewayBinding.ProtocolOf(listener) == ApiGatewayBinding.Tcp
                ? tcpRouteParents.Count(parents => ApiGatewayBinding.Binds(parents, name, listenerName))
                : 0;
            listeners.Add(tcpRoutes > 1
                ? Condition("Conflicted", "True", "RouteConflict", "TCP-based listeners currently only support binding a single route", reference)
                : Condition("Conflicted", "False", "NoConflict", "listener has no route conflicts", reference));
        }

        var accepted = invalid
            ? Condition("Accepted", "False", "InvalidCertificates", "gateway references invalid certificates")
            : Condition("Accepted", "True", "Accepted", "gateway is valid");
        return [accepted, .. listeners];
    }

    private static string? CertificateProblem(StoreState state, ResourceReference certificate)
    {
        if (!string.IsNullOrEmpty(certificate.Kind) && certificate.Kind != InlineCertificateKind.KindName)
        {
            return $"certificate kind \"{certificate.Kind}\" is not supported";
        }

        return state.FindConfigEntry(InlineCertificateKind.KindName, certificate.Name ?? string.Empty) is null
            ? $"certificate \"{certificate.Name}\" not found"
            : null;
    }

    private static List<StatusCondition> RouteConditions(
        Dictionary<string, (ConfigEntry Stored, ApiGatewayEntry Entry)> gateways, List<ResourceReference>? parents, string protocol, bool targetsServices)
    {
        var conditions = new List<StatusCondition>
        {
            targetsServices
                ? Condition("Accepted", "True", "Accepted", "route is valid")
                : Condition("Accepted", "False", "NoUpstreamServicesTargeted", "route must target at least one upstream service"),
        };
        foreach (var parent in parents ?? [])
        {
            conditions.Add(Bound(gateways, parent, protocol));
        }

        return conditions;
    }

    private static StatusCondition Bound(Dictionary<string, (ConfigEntry Stored, ApiGatewayEntry Entry)> gateways, ResourceReference parent, string protocol)
    {
        var name = parent.Name ?? string.Empty;
        if (!ApiGatewayBinding.NamesGateway(parent, name) || !gateways.TryGetValue(name, out var gateway))
        {
            return Condition("Bound", "False", "GatewayNotFound", "gateway was not found", parent);
        }

        var named = (gateway.Entry.Listeners ?? []).Where(listener => ApiGatewayBinding.NamesListener(parent, listener.Name ?? string.Empty)).ToList();
        if (named.Count == 0)
        {
            return Condition("Bound", "False", "FailedToBind", $"failed to bind route to gateway {name}: gateway does not have a listener named \"{parent.SectionName}\"", parent);
        }

        return named.Any(listener => ApiGatewayBinding.ProtocolOf(listener) == protocol)
            ? Condition("Bound", "True", "Bound", "successfully bound route", parent)
            : Condition("Bound", "False", "FailedToBind", $"failed to bind route to gateway {name}: no {protocol} listener matches the route's parent reference", parent);
    }

    private static StatusCondition Condition(string type, string status, string reason, string message, ResourceReference? resource = null)
        => new() { Type = type, Status = status, Reason = reason, Message = message, Resource = resource };
}
