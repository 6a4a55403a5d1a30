using System.Collections.Immutable;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Gateways;
using Mesh.Config.Intentions;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.ProxyCfg.Merge;

namespace Mesh.ProxyCfg;

/// <summary>
/// Consul's <c>handlerTerminatingGateway</c> as a pure build: the gateway's config entry, the services it links
/// (<c>*</c> expanded against the catalog), and per linked service its instances (all of them, health included, and each
/// resolver subset's), its resolver, its protocol (service-defaults, then proxy-defaults), the intentions that name it,
/// and the leaf the gateway presents for it. A linked service that is not registered yet is listed with no instances:
/// it gets clusters and a filter chain as soon as it is.
/// </summary>
internal static class TerminatingGatewayBuilder
{
    private const string ResolverKind = "service-resolver";

    /// <summary>The services <paramref name="gateway"/> links in <paramref name="state"/> (the leaves the runtime fetches for it).</summary>
    public static IReadOnlyList<GatewayService> Links(StoreState state, string gateway)
        => [.. GatewayServiceTable.For(state, gateway).Where(row => row.GatewayKind == ServiceKind.TerminatingGateway)];

    public static TerminatingGatewaySnapshot Build(StoreState state, NodeService gateway, BuildScope scope)
    {
        var reads = scope.Reads;
        reads?.Add(WatchKeys.ConfigEntry(TerminatingGatewayKind.KindName, gateway.Service));
        reads?.Add(WatchKeys.Services);
        var proxyDefaults = ServiceConfigMerge.Find(state, ProxyDefaultsKind.KindName, "global", reads) is { } stored
            ? ConfigEntryKinds.ProxyDefaults.Read(stored)
            : null;
        var globalProtocol = proxyDefaults?.Config is { } config ? JsonConfig.Text(config, "protocol") : string.Empty;

        var entry = state.FindConfigEntry(TerminatingGatewayKind.KindName, gateway.Service) is { } found
            ? ConfigEntryKinds.TerminatingGateway.Read(found)
            : null;
        var services = ImmutableArray.CreateBuilder<TerminatingServiceSnapshot>();
        foreach (var link in Links(state, gateway.Service).DistinctBy(link => link.Service, StringComparer.Ordinal))
        {
            var declared = entry?.Services?.FirstOrDefault(s => s.Name == (link.FromWildcard ? "*" : link.Service));
            services.Add(Service(state, link, globalProtocol, scope) with { AutoHostRewrite = declared?.DisableAutoHostRewrite != true });
        }

        return new TerminatingGatewaySnapshot { Services = [.. services.OrderBy(s => s.Name, StringComparer.Ordinal)] };
    }

    private static TerminatingServiceSnapshot Service(StoreState state, GatewayService link, string globalProtocol, BuildScope scope)
    {
        var reads = scope.Reads;
        var name = link.Service;
        reads?.Add(WatchKeys.Service(name));
        var resolver = ServiceConfigMerge.Find(state, ResolverKind, name, reads) is { } stored ? ConfigEntryKinds.ServiceResolver.Read(stored) : null;
        var defaults = ServiceConfigMerge.Find(state, ServiceDefaultsKind.KindName, name, reads) is { } entry ? ConfigEntryKinds.ServiceDefaults.Read(entry) : null;
        var protocol = defaults?.Protocol is { Length: > 0 } own ? own : globalProtocol.Length > 0 ? globalProtocol : "tcp";

        var endpoints = ImmutableSortedDictionary.CreateBuilder<string, ImmutableArray<UpstreamEndpoint>>(StringComparer.Ordinal);
        endpoints[string.Empty] = scope.Cache.Instances(name, string.Empty);
        foreach (var (subset, definition) in resolver?.Subsets ?? [])
        {
            endpoints[subset] = scope.Cache.Instances(name, definition.Filter ?? string.Empty);
        }

        reads?.Add(WatchKeys.ConfigEntry(ServiceIntentionsKind.KindName, name));
        reads?.Add(WatchKeys.ConfigEntry(ServiceIntentionsKind.KindName, IntentionPrecedence.Wildcard));
        return new TerminatingServiceSnapshot
        {
            Name = name,
            CaFile = link.CaFile,
            CertFile = link.CertFile,
            KeyFile = link.KeyFile,
            Sni = link.Sni,
            Protocol = protocol,
            Resolver = resolver,
            Endpoints = endpoints.ToImmutable(),
            Leaf = scope.ServiceLeaf(name),
            Intentions = [.. IntentionCatalog.MatchDestination(state, name)],
        };
    }
}
