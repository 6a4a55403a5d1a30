using Mesh.Api.Contracts;
using Mesh.Api.Http;
using Mesh.Api.Json;
using Mesh.Config.Access;
using Mesh.Config.ConfigEntries;
using Mesh.Config.DiscoveryChain;
using Mesh.Config.Intentions;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary>
/// <c>/v1/internal/ui/service-topology/:service</c>: the upstreams and downstreams of a service as Consul's UI
/// shows them, each with the intention decision for the pair, in one blocking query. ACL: service:read on the
/// service (403 without it); linked services the token may not read are left out (<c>FilteredByACLs</c>).
/// </summary>
public static class UiTopologyEndpoint
{
    public const string ProxyRegistration = "proxy-registration";
    public const string SpecificIntention = "specific-intention";
    public const string RoutingConfig = "routing-config";

    private static readonly string[] ChainKinds =
    [
        ServiceRouterKind.KindName, ServiceSplitterKind.KindName, ServiceResolverKind.KindName,
        ServiceDefaultsKind.KindName, ProxyDefaultsKind.KindName, IntentionCatalog.Kind,
    ];

    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
        => app.MapGet("/v1/internal/ui/service-topology/{**name}", context => TopologyAsync(context, server));

    private static Task TopologyAsync(HttpContext context, ServerRuntime server)
    {
        var options = Writes.ReadOptions(context, server);
        var name = Writes.Route(context, "name");
        if (name.Length == 0)
        {
            throw ApiException.BadRequest("Missing service name");
        }

        Writes.Authorize(context, server, AclResource.Service, name, AclAccess.Read);
        var acl = AclReadFilter.For(context, server);
        string[] keys = [WatchKeys.Services, .. ChainKinds.Select(WatchKeys.ConfigKind)];
        return new BlockingQuery(server, keys).RespondAsync(
            context, options, state => Topology(state, name, server, acl), ApiJsonContext.Default.UiServiceTopologyView);
    }

    private static UiServiceTopologyView Topology(StoreState state, string name, ServerRuntime server, AclReadFilter acl)
    {
        var upstreams = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var downstreams = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in state.Services.Values)
        {
            if (service.ConnectDestination is not { } fronted)
            {
                continue;
            }

            foreach (var upstream in service.Proxy.Upstreams)
            {
                if (upstream.DestinationType is "prepared_query" || upstream.DestinationName.Length == 0 || upstream.DestinationPeer.Length > 0)
                {
                    continue;
                }

                if (fronted == name)
                {
                    upstreams.TryAdd(upstream.DestinationName, ProxyRegistration);
                }

                if (upstream.DestinationName == name)
                {
                    downstreams.TryAdd(fronted, ProxyRegistration);
                }
            }
        }

        foreach (var intention in IntentionCatalog.All(state))
        {
            if (intention.SourcePeer is { Length: > 0 } || intention.SourceName == "*" || intention.DestinationName == "*")
            {
                continue;
            }

            if (intention.SourceName == name)
            {
                upstreams.TryAdd(intention.DestinationName, SpecificIntention);
            }

            if (intention.DestinationName == name)
            {
                downstreams.TryAdd(intention.SourceName, SpecificIntention);
            }
        }

        // Services an upstream routes to (its discovery chain's targets) are reached through it.
        foreach (var upstream in upstreams.Keys.ToList())
        {
            foreach (var target in ChainTargets(state, upstream, server.Self.Datacenter))
            {
                if (target != upstream && target != name)
                {
                    upstreams.TryAdd(target, RoutingConfig);
                }
            }
        }

        upstreams.Remove(name);
        downstreams.Remove(name);
        var filtered = false;
        List<UiTopologyLinkView> Links(SortedDictionary<string, string> links, Func<string, (string Source, string Destination)> pair)
        {
            var views = new List<UiTopologyLinkView>(links.Count);
            foreach (var (other, source) in links)
            {
                if (!acl.Service(other))
                {
                    filtered = true;
                    continue;
                }

                var (from, to) = pair(other);
                views.Add(new UiTopologyLinkView(other, source, Decision(state, from, to, server.Self.DefaultIntentionPolicy)));
            }

            return views;
        }

        var up = Links(upstreams, other => (name, other));
        var down = Links(downstreams, other => (other, name));
        return new UiServiceTopologyView(Protocol(state, name, server.Self.Datacenter), up, down, filtered);
    }

    private static UiIntentionDecisionView Decision(StoreState state, string source, string destination, string? defaultPolicy)
    {
        var decision = IntentionDecision.Decide(state, source, destination, defaultPolicy);
        var matched = decision.Matched;
        return new UiIntentionDecisionView(
            decision.Allowed,
            IntentionDecision.DefaultAllows(defaultPolicy),
            matched?.IsL7 ?? false,
            matched is not null && matched.SourceName == source && matched.DestinationName == destination,
            decision.Reason);
    }

    private static List<string> ChainTargets(StoreState state, string service, string datacenter)
    {
        try
        {
            var chain = DiscoveryChainCompiler.Compile(state, new CompileRequest { ServiceName = service, EvaluateInDatacenter = datacenter });
            return [.. chain.Targets.Values.Select(t => t.Service).Distinct(StringComparer.Ordinal)];
        }
        catch (DiscoveryChainException)
        {
            return [];
        }
    }

    private static string Protocol(StoreState state, string service, string datacenter)
    {
        try
        {
            return DiscoveryChainCompiler.Compile(state, new CompileRequest { ServiceName = service, EvaluateInDatacenter = datacenter }).Protocol;
        }
        catch (DiscoveryChainException)
        {
            return "tcp";
        }
    }
}
