using Envoy.Config.Core.V3;
using Envoy.Config.Route.V3;
using Google.Protobuf.WellKnownTypes;
using Mesh.Config.ConfigEntries;
using Mesh.Config.DiscoveryChain;
using Mesh.Config.Durations;
using Mesh.ProxyCfg;
using RetryPolicy = Envoy.Config.Route.V3.RetryPolicy;

namespace Mesh.EnvoyResources;

/// <summary>
/// RDS route configurations for upstreams whose HTTP chain has routers, splitters or non-default resolvers (Consul's
/// <c>routesForConnectProxy</c> and <c>makeUpstreamRouteForDiscoveryChain</c>), named by the upstream's EnvoyId.
/// </summary>
internal static class RouteGenerator
{
    public static IEnumerable<RouteConfiguration> Generate(ConfigSnapshot snapshot)
    {
        foreach (var upstream in snapshot.Upstreams)
        {
            if (!UpstreamRouting.UsesRds(upstream) || !(UpstreamRouting.HasListener(upstream) || UpstreamRouting.IsImplicit(snapshot, upstream)))
            {
                continue;
            }

            if (VirtualHost(upstream.Chain, upstream.Id.EnvoyId) is not { } host)
            {
                continue;
            }

            var route = new RouteConfiguration { Name = upstream.Id.EnvoyId, VirtualHosts = { host } };
            if (snapshot.Mesh?.ValidateClusters == true)
            {
                route.ValidateClusters = true;
            }

            yield return route;
        }
    }

    /// <summary>The chain's routes under one virtual host named <paramref name="name"/>, matching any domain.</summary>
    public static VirtualHost? VirtualHost(CompiledDiscoveryChain chain, string name)
    {
        if (!chain.Nodes.TryGetValue(chain.StartNode, out var start))
        {
            return null;
        }

        var host = new VirtualHost { Name = name, Domains = { "*" } };
        switch (start.Type)
        {
            case DiscoveryGraphNodeType.Router:
                host.Routes.AddRange(RouterRoutes(chain, start));
                break;
            case DiscoveryGraphNodeType.Splitter when SplitterAction(chain, start.Splits) is { } split:
                ApplyHashPolicies(start.LoadBalancer, split);
                host.Routes.Add(new Route { Match = RouteMatches.Default(), Route_ = split });
                break;
            case DiscoveryGraphNodeType.Resolver when ResolverAction(chain, start) is { } action:
                ApplyHashPolicies(start.LoadBalancer, action);
                if (start.Resolver!.RequestTimeout > TimeSpan.Zero)
                {
                    action.Timeout = Duration.FromTimeSpan(start.Resolver.RequestTimeout);
                }

                host.Routes.Add(new Route { Match = RouteMatches.Default(), Route_ = action });
                break;
            default:
                return null;
        }

        return host;
    }

    private static IEnumerable<Route> RouterRoutes(CompiledDiscoveryChain chain, DiscoveryGraphNode router)
    {
        foreach (var discoveryRoute in router.Routes)
        {
            if (!chain.Nodes.TryGetValue(discoveryRoute.NextNode, out var next))
            {
                continue;
            }

            var action = next.Type switch
            {
                DiscoveryGraphNodeType.Splitter => SplitterAction(chain, next.Splits),
                DiscoveryGraphNodeType.Resolver => ResolverAction(chain, next),
                _ => null,
            };
            if (action is null)
            {
                continue;
            }

            ApplyHashPolicies(next.LoadBalancer, action);
            var route = new Route { Match = RouteMatches.ForRoute(discoveryRoute.Definition.Match), Route_ = action };
            if (discoveryRoute.Definition.Destination is { } destination)
            {
                ApplyDestination(destination, action, route);
            }

            yield return route;
        }
    }

    internal static void ApplyDestination(ServiceRouteDestination destination, RouteAction action, Route route)
    {
        if (!string.IsNullOrEmpty(destination.PrefixRewrite))
        {
            action.PrefixRewrite = destination.PrefixRewrite;
        }

        // A negative timeout disables Envoy's: 0s.
        if (Timeout(destination.RequestTimeout) is { } timeout)
        {
            action.Timeout = timeout;
        }

        if (Timeout(destination.IdleTimeout) is { } idle)
        {
            action.IdleTimeout = idle;
        }

        if (destination.NumRetries > 0 || destination.RetryOnConnectFailure || destination.RetryOn is { Count: > 0 }
            || destination.RetryOnStatusCodes is { Count: > 0 })
        {
            action.RetryPolicy = RetryPolicy(destination);
        }

        HeaderModifiers.Apply(destination.RequestHeaders, route.RequestHeadersToAdd, route.RequestHeadersToRemove);
        HeaderModifiers.Apply(destination.ResponseHeaders, route.ResponseHeadersToAdd, route.ResponseHeadersToRemove);
    }

    private static Duration? Timeout(string? text)
    {
        if (string.IsNullOrEmpty(text) || !GoDuration.TryParse(text, out var duration) || duration == TimeSpan.Zero)
        {
            return null;
        }

        return Duration.FromTimeSpan(duration < TimeSpan.Zero ? TimeSpan.Zero : duration);
    }

    /// <summary><c>getRetryPolicyForDestination</c>.</summary>
    private static RetryPolicy RetryPolicy(ServiceRouteDestination destination)
    {
        var policy = new RetryPolicy();
        if (destination.NumRetries > 0)
        {
            policy.NumRetries = (uint)destination.NumRetries;
        }

        var retryOn = new List<string>(destination.RetryOn ?? []);
        if (destination.RetryOnConnectFailure && !retryOn.Contains("connect-failure"))
        {
            retryOn.Add("connect-failure");
        }

        if (destination.RetryOnStatusCodes is { Count: > 0 } codes)
        {
            retryOn.Add("retriable-status-codes");
            policy.RetriableStatusCodes.AddRange(codes.Select(c => (uint)c));
        }

        policy.RetryOn = string.Join(',', retryOn);
        return policy;
    }

    private static RouteAction? ResolverAction(CompiledDiscoveryChain chain, DiscoveryGraphNode node)
        => node.Resolver is { } resolver && chain.Targets.TryGetValue(resolver.Target, out var target)
            ? new RouteAction { Cluster = ResourceNames.Cluster(chain, target) }
            : null;

    /// <summary><c>makeRouteActionForSplitter</c>: weights (percent, two decimals) scaled by 100 to Envoy's integers.</summary>
    private static RouteAction? SplitterAction(CompiledDiscoveryChain chain, IEnumerable<DiscoverySplit> splits)
    {
        var weighted = new WeightedCluster();
        foreach (var split in splits)
        {
            if (!chain.Nodes.TryGetValue(split.NextNode, out var next) || next.Type != DiscoveryGraphNodeType.Resolver
                || ResolverAction(chain, next) is not { } resolver)
            {
                continue;
            }

            var cluster = new WeightedCluster.Types.ClusterWeight { Name = resolver.Cluster, Weight = (uint)(split.Weight * 100) };
            HeaderModifiers.Apply(split.Definition.RequestHeaders, cluster.RequestHeadersToAdd, cluster.RequestHeadersToRemove);
            HeaderModifiers.Apply(split.Definition.ResponseHeaders, cluster.ResponseHeadersToAdd, cluster.ResponseHeadersToRemove);
            weighted.Clusters.Add(cluster);
        }

        return weighted.Clusters.Count > 0 ? new RouteAction { WeightedClusters = weighted } : null;
    }

    /// <summary><c>injectLBToRouteAction</c>: hash-based balancers hash on what the policies name.</summary>
    internal static void ApplyHashPolicies(LoadBalancer? lb, RouteAction action)
    {
        if (lb?.Policy is not ("ring_hash" or "maglev") || lb.HashPolicies is not { Count: > 0 } policies)
        {
            return;
        }

        foreach (var policy in policies)
        {
            var hash = new RouteAction.Types.HashPolicy { Terminal = policy.Terminal };
            if (policy.SourceIp)
            {
                hash.ConnectionProperties = new RouteAction.Types.HashPolicy.Types.ConnectionProperties { SourceIp = true };
            }
            else
            {
                switch (policy.Field)
                {
                    case "header":
                        hash.Header = new RouteAction.Types.HashPolicy.Types.Header { HeaderName = policy.FieldValue ?? string.Empty };
                        break;
                    case "cookie":
                        hash.Cookie = new RouteAction.Types.HashPolicy.Types.Cookie { Name = policy.FieldValue ?? string.Empty };
                        break;
                    case "query_parameter":
                        hash.QueryParameter = new RouteAction.Types.HashPolicy.Types.QueryParameter { Name = policy.FieldValue ?? string.Empty };
                        break;
                    default:
                        continue;
                }
            }

            action.HashPolicy.Add(hash);
        }
    }
}

/// <summary>Request/response header changes (<c>makeHeadersValueOptions</c>): add appends, set overwrites; keys sorted.</summary>
internal static class HeaderModifiers
{
    public static void Apply(HttpHeaderModifiers? modifiers, ICollection<HeaderValueOption> add, ICollection<string> remove)
    {
        if (modifiers is null)
        {
            return;
        }

        foreach (var (key, value) in (modifiers.Add ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            add.Add(new HeaderValueOption { Header = new HeaderValue { Key = key, Value = value } });
        }

        foreach (var (key, value) in (modifiers.Set ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            add.Add(new HeaderValueOption
            {
                Header = new HeaderValue { Key = key, Value = value },
                AppendAction = HeaderValueOption.Types.HeaderAppendAction.OverwriteIfExistsOrAdd,
            });
        }

        foreach (var name in modifiers.Remove ?? [])
        {
            remove.Add(name);
        }
    }
}
