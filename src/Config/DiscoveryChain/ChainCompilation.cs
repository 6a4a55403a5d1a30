using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Durations;

namespace Mesh.Config.DiscoveryChain;

/// <summary>
/// One run of Consul's chain compiler (<c>discoverychain.compile</c>): assemble router → splitters → resolvers from the
/// entries, reject cycles and mixed protocols, flatten nested splitters, drop unreachable nodes and unused targets.
/// Single use; every map is iterated in a fixed order so the result is deterministic.
/// </summary>
internal sealed class ChainCompilation
{
    private static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    private readonly ChainEntries _entries;
    private readonly CompileRequest _request;
    private readonly string _trustDomain;
    private readonly bool _disableAdvancedRouting;

    private readonly Dictionary<string, ServiceResolverEntry> _resolvers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChainNodeBuilder> _splitterNodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChainNodeBuilder> _resolverNodes = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, ChainNodeBuilder> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DiscoveryTarget> _targets = new(StringComparer.Ordinal);
    private readonly HashSet<string> _retainedTargets = new(StringComparer.Ordinal);

    private bool _usesAdvancedRouting;
    private bool _customizedMeshGateway;
    private bool _customizedProtocol;
    private bool _customizedConnectTimeout;
    private string _protocol = string.Empty;
    private string _startNode = string.Empty;

    public ChainCompilation(ChainEntries entries, CompileRequest request, string trustDomain)
    {
        _entries = entries;
        _request = request;
        _trustDomain = trustDomain;
        _disableAdvancedRouting = request.OverrideProtocol.Length > 0 && !IsHttpLike(request.OverrideProtocol);
    }

    public static bool IsHttpLike(string protocol) => protocol is "http" or "http2" or "grpc";

    public CompiledDiscoveryChain Run()
    {
        AssembleChain();
        DetectCircularReferences();
        FlattenAdjacentSplitters();
        RemoveUnusedNodes();

        if (!IsHttpLike(_protocol) && _usesAdvancedRouting)
        {
            throw new DiscoveryChainException(
                $"discovery chain \"{_request.ServiceName}\" uses a protocol \"{_protocol}\" that does not permit advanced routing or splitting behavior");
        }

        if (_request.OverrideProtocol.Length > 0 && _request.OverrideProtocol != _protocol)
        {
            _protocol = _request.OverrideProtocol;
            _customizedProtocol = true;
        }

        return new CompiledDiscoveryChain
        {
            ServiceName = _request.ServiceName,
            Namespace = _request.EvaluateInNamespace,
            Partition = _request.EvaluateInPartition,
            Datacenter = _request.EvaluateInDatacenter,
            CustomizationHash = CustomizationHash(),
            Default = IsDefaultChain(),
            Protocol = _protocol,
            ServiceMeta = _entries.ServiceDefaults(_request.ServiceName)?.Meta is { } meta
                ? ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, meta)
                : ImmutableSortedDictionary<string, string>.Empty,
            StartNode = _startNode,
            Nodes = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, _nodes.Select(pair => KeyValuePair.Create(pair.Key, pair.Value.Build()))),
            Targets = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, _targets.Where(pair => _retainedTargets.Contains(pair.Key))),
        };
    }

    private string ServiceKey(string service, string ns, string partition) => $"{service}.{Or(ns, _request.EvaluateInNamespace)}.{Or(partition, _request.EvaluateInPartition)}";

    private void AssembleChain()
    {
        var service = _request.ServiceName;
        var router = _entries.Router(service);
        if (router is not null && _disableAdvancedRouting)
        {
            router = null;
            _customizedProtocol = true;
        }

        if (router is null)
        {
            _startNode = SplitterOrResolverNode(NewTarget(new TargetOptions(service))).Key;
            return;
        }

        var ns = _request.EvaluateInNamespace;
        var partition = _request.EvaluateInPartition;
        var routeNode = new ChainNodeBuilder(DiscoveryGraphNodeType.Router, ServiceKey(service, ns, partition));
        _usesAdvancedRouting = true;
        RecordServiceProtocol(service);

        foreach (var route in router.Routes ?? [])
        {
            var destination = route.Destination ?? new ServiceRouteDestination { Service = service, Namespace = ns, Partition = partition };
            var options = new TargetOptions(Or(destination.Service, service), Namespace: Or(destination.Namespace, ns), Partition: Or(destination.Partition, partition));
            var next = string.IsNullOrEmpty(destination.ServiceSubset)
                ? SplitterOrResolverNode(NewTarget(options))
                : ResolverNode(NewTarget(options with { Subset = destination.ServiceSubset }), recursedForFailover: false);
            routeNode.Routes.Add(new DiscoveryRoute(route, next.Key));
        }

        // Unmatched traffic goes on down the chain of the router's own service.
        var fallback = SplitterOrResolverNode(NewTarget(new TargetOptions(service, Namespace: ns, Partition: partition)));
        var catchAll = new ServiceRoute
        {
            Match = new ServiceRouteMatch { Http = new ServiceRouteHttpMatch { PathPrefix = "/" } },
            Destination = new ServiceRouteDestination { Service = service, Namespace = ns, Partition = partition },
        };
        routeNode.Routes.Add(new DiscoveryRoute(catchAll, fallback.Key));
        _startNode = routeNode.Key;
        Record(routeNode);
    }

    private ChainNodeBuilder SplitterOrResolverNode(DiscoveryTarget target)
        => SplitterNode(target.Service, target.Namespace, target.Partition) ?? ResolverNode(target, recursedForFailover: false);

    private ChainNodeBuilder? SplitterNode(string service, string ns, string partition)
    {
        var name = ServiceKey(service, ns, partition);
        if (_splitterNodes.TryGetValue(name, out var existing))
        {
            return existing;
        }

        var splitter = _entries.Splitter(service);
        if (splitter is not null && _disableAdvancedRouting)
        {
            splitter = null;
            _customizedProtocol = true;
        }

        if (splitter is null)
        {
            return null;
        }

        // Recorded before recursing, so a loop between splitters ends here and is reported by cycle detection.
        var node = new ChainNodeBuilder(DiscoveryGraphNodeType.Splitter, name);
        Record(node);
        var hasLoadBalancer = false;
        foreach (var split in splitter.Splits ?? [])
        {
            var splitService = Or(split.Service, service);
            var splitNs = Or(split.Namespace, ns);
            var splitPartition = Or(split.Partition, partition);
            if (ServiceKey(splitService, splitNs, splitPartition) != name && string.IsNullOrEmpty(split.ServiceSubset)
                && SplitterNode(splitService, splitNs, splitPartition) is { } nested)
            {
                node.Splits.Add(new DiscoverySplit(split, split.Weight, nested.Key));
                continue;
            }

            var resolver = ResolverNode(NewTarget(new TargetOptions(splitService, split.ServiceSubset ?? string.Empty, splitNs, splitPartition)), recursedForFailover: false);
            node.Splits.Add(new DiscoverySplit(split, split.Weight, resolver.Key));

            // A route can apply only one hash policy: the splitter takes the first hash-based balancer among its legs.
            if (!hasLoadBalancer && IsHashBased(resolver.LoadBalancer))
            {
                node.LoadBalancer = resolver.LoadBalancer;
                hasLoadBalancer = true;
            }
        }

        _usesAdvancedRouting = true;
        return node;
    }

    private ChainNodeBuilder ResolverNode(DiscoveryTarget target, bool recursedForFailover)
    {
        var history = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<string>();
        ServiceResolverEntry resolver;
        while (true)
        {
            if (_resolverNodes.TryGetValue(target.Id, out var existing))
            {
                return existing;
            }

            if (target.Peer.Length == 0)
            {
                RecordServiceProtocol(target.Service);
            }

            resolver = ResolverFor(target.Service);
            order.Add(target.Id);
            if (!history.Add(target.Id))
            {
                throw new DiscoveryChainException($"detected circular resolver redirect: [{string.Join(" -> ", order)}]");
            }

            if (resolver.Redirect is { } redirect)
            {
                var redirected = RewriteTarget(target, new TargetOptions(
                    redirect.Service ?? string.Empty, redirect.ServiceSubset ?? string.Empty, redirect.Namespace ?? string.Empty,
                    redirect.Partition ?? string.Empty, redirect.Datacenter ?? string.Empty, redirect.Peer ?? string.Empty));
                if (redirected.Id != target.Id)
                {
                    target = redirected;
                    continue;
                }
            }

            if (target.ServiceSubset.Length == 0 && !string.IsNullOrEmpty(resolver.DefaultSubset))
            {
                target = RewriteTarget(target, new TargetOptions(string.Empty, resolver.DefaultSubset));
                continue;
            }

            break;
        }

        if (target.ServiceSubset.Length > 0 && resolver.Subsets?.ContainsKey(target.ServiceSubset) != true)
        {
            throw new DiscoveryChainException($"service \"{target.Service}\" does not have a subset named \"{target.ServiceSubset}\"");
        }

        var connectTimeout = Duration(resolver.ConnectTimeout);
        if (connectTimeout <= TimeSpan.Zero)
        {
            connectTimeout = DefaultConnectTimeout;
        }

        if (_request.OverrideConnectTimeout > TimeSpan.Zero && connectTimeout != _request.OverrideConnectTimeout)
        {
            connectTimeout = _request.OverrideConnectTimeout;
            _customizedConnectTimeout = true;
        }

        target = Resolve(target, resolver, connectTimeout);
        var node = new ChainNodeBuilder(DiscoveryGraphNodeType.Resolver, target.Id)
        {
            Resolver = new DiscoveryResolver
            {
                Default = IsDefault(resolver),
                Target = target.Id,
                ConnectTimeout = connectTimeout,
                RequestTimeout = Duration(resolver.RequestTimeout),
            },
            LoadBalancer = resolver.LoadBalancer,
        };
        _retainedTargets.Add(target.Id);
        if (recursedForFailover)
        {
            // A failover target: emitted for its target ID only, neither cached nor failed over again.
            return node;
        }

        Record(node);
        if (FailoverFor(resolver, target.ServiceSubset) is { } failover)
        {
            AddFailover(node, target, failover);
        }

        return node;
    }

    /// <summary>Fills the target's subset, timeout, external SNI and mesh gateway mode (and stores it).</summary>
    private DiscoveryTarget Resolve(DiscoveryTarget target, ServiceResolverEntry resolver, TimeSpan connectTimeout)
    {
        target = target with
        {
            ConnectTimeout = connectTimeout,
            Subset = resolver.Subsets?.GetValueOrDefault(target.ServiceSubset) ?? new ServiceResolverSubset(),
        };
        var defaults = _entries.ServiceDefaults(target.Service);
        if (defaults?.ExternalSni is { Length: > 0 } externalSni)
        {
            target = target with { Sni = externalSni, External = true };
        }

        if (target.External)
        {
            var refused = resolver.Redirect is not null ? "redirects"
                : resolver.Subsets is { Count: > 0 } ? "subsets"
                : resolver.Failover is { Count: > 0 } ? "failover"
                : null;
            if (refused is not null)
            {
                throw new DiscoveryChainException($"service \"{target.Service}\" has an external SNI set; cannot define {refused} for external services");
            }

            target = target with { MeshGatewayMode = string.Empty };
        }
        else
        {
            var mode = defaults?.MeshGateway?.Mode ?? string.Empty;
            var dialedDirectly = defaults?.TransparentProxy?.DialedDirectly ?? false;
            if (_entries.ProxyDefaults is { } proxyDefaults)
            {
                mode = mode.Length == 0 ? proxyDefaults.MeshGateway?.Mode ?? string.Empty : mode;
                dialedDirectly = dialedDirectly || (proxyDefaults.TransparentProxy?.DialedDirectly ?? false);
            }

            if (_request.OverrideMeshGateway.Length > 0 && mode != _request.OverrideMeshGateway)
            {
                mode = _request.OverrideMeshGateway;
                _customizedMeshGateway = true;
            }

            target = target with { MeshGatewayMode = mode, TransparentProxy = new TransparentProxyConfig { DialedDirectly = dialedDirectly } };
        }

        _targets[target.Id] = target;
        return target;
    }

    private void AddFailover(ChainNodeBuilder node, DiscoveryTarget target, ServiceResolverFailover failover)
    {
        var candidates = new List<DiscoveryTarget>();
        var baseOptions = new TargetOptions(failover.Service ?? string.Empty, failover.ServiceSubset ?? string.Empty, failover.Namespace ?? string.Empty);
        if (failover.Datacenters is { Count: > 0 } datacenters)
        {
            candidates.AddRange(datacenters.Select(dc => RewriteTarget(target, baseOptions with { Datacenter = dc })));
        }
        else if (failover.Targets is { Count: > 0 } targets)
        {
            candidates.AddRange(targets.Select(t => RewriteTarget(target, new TargetOptions(
                t.Service ?? string.Empty, t.ServiceSubset ?? string.Empty, t.Namespace ?? string.Empty,
                t.Partition ?? string.Empty, t.Datacenter ?? string.Empty, t.Peer ?? string.Empty))));
        }
        else
        {
            candidates.Add(RewriteTarget(target, baseOptions));
        }

        // Never fail over to yourself.
        candidates.RemoveAll(candidate => candidate.Id == target.Id);
        if (candidates.Count == 0)
        {
            return;
        }

        var failoverTargets = candidates.Select(candidate => ResolverNode(candidate, recursedForFailover: true).Resolver!.Target).ToImmutableArray();
        node.Resolver = node.Resolver! with
        {
            Failover = new DiscoveryFailover { Targets = failoverTargets, Policy = failover.Policy is { Mode: { Length: > 0 } } ? failover.Policy : null },
        };
    }

    private static ServiceResolverFailover? FailoverFor(ServiceResolverEntry resolver, string subset)
        => resolver.Failover is not { Count: > 0 } failovers ? null
            : failovers.TryGetValue(subset, out var exact) ? exact
            : failovers.GetValueOrDefault("*");

    private ServiceResolverEntry ResolverFor(string service)
    {
        if (!_resolvers.TryGetValue(service, out var resolver))
        {
            resolver = _entries.Resolver(service) ?? new ServiceResolverEntry { Name = service };
            _resolvers[service] = resolver;
        }

        return resolver;
    }

    private DiscoveryTarget NewTarget(TargetOptions options)
    {
        if (options.Peer.Length == 0)
        {
            options = options with
            {
                Datacenter = Or(options.Datacenter, _request.EvaluateInDatacenter),
                Namespace = Or(options.Namespace, _request.EvaluateInNamespace),
                Partition = Or(options.Partition, _request.EvaluateInPartition),
            };
        }
        else
        {
            options = options with { Datacenter = string.Empty, Partition = "default", Namespace = Or(options.Namespace, "default") };
        }

        var id = ChainTargetNames.Id(options.Service, options.Subset, options.Namespace, options.Partition, options.Datacenter, options.Peer);
        if (_targets.TryGetValue(id, out var existing))
        {
            return existing;
        }

        // A peer's trust domain is not known here, so its target has no SNI yet.
        var sni = options.Peer.Length == 0
            ? ChainTargetNames.Sni(options.Service, options.Subset, options.Namespace, options.Partition, options.Datacenter, _trustDomain)
            : string.Empty;
        var target = new DiscoveryTarget
        {
            Id = id,
            Service = options.Service,
            ServiceSubset = options.Subset,
            Namespace = options.Namespace,
            Partition = options.Partition,
            Datacenter = options.Datacenter,
            Peer = options.Peer,
            Sni = sni,
            Name = sni,
        };
        _targets[id] = target;
        return target;
    }

    /// <summary>Consul's <c>rewriteTarget</c>: the target with the given fields replaced (another service resets the subset).</summary>
    private DiscoveryTarget RewriteTarget(DiscoveryTarget target, TargetOptions options)
    {
        var merged = new TargetOptions(target.Service, target.ServiceSubset, target.Namespace, target.Partition, target.Datacenter, target.Peer);
        if (options.Service.Length > 0 && options.Service != merged.Service)
        {
            merged = merged with { Service = options.Service, Subset = string.Empty };
        }

        if (options.Subset.Length > 0)
        {
            merged = merged with { Subset = options.Subset };
        }

        if (options.Partition.Length > 0)
        {
            merged = merged with { Partition = options.Partition };
        }

        if (options.Namespace.Length > 0 || options.Peer.Length > 0)
        {
            merged = merged with { Namespace = options.Namespace };
        }

        if (options.Datacenter.Length > 0)
        {
            merged = merged with { Datacenter = options.Datacenter };
        }

        return NewTarget(merged with { Peer = options.Peer });
    }

    private void RecordServiceProtocol(string service)
    {
        var written = _entries.ProtocolOf(service);
        var protocol = written.Length == 0 ? "tcp" : written.ToLowerInvariant();
        if (_protocol.Length == 0)
        {
            _protocol = protocol;
        }
        else if (_protocol != protocol)
        {
            throw new DiscoveryChainException(
                $"discovery chain \"{_request.ServiceName}\" uses inconsistent protocols; service \"{service}\" has \"{protocol}\" which is not \"{_protocol}\"");
        }
    }

    private void Record(ChainNodeBuilder node)
    {
        if (node.Type == DiscoveryGraphNodeType.Splitter)
        {
            _splitterNodes[node.Name] = node;
        }
        else if (node.Type == DiscoveryGraphNodeType.Resolver)
        {
            _resolverNodes[node.Resolver!.Target] = node;
        }

        _nodes[node.Key] = node;
    }

    private void DetectCircularReferences()
    {
        var path = new List<string>();
        void Visit(string key)
        {
            if (path.Contains(key, StringComparer.Ordinal))
            {
                path.Add(key);
                throw new DiscoveryChainException($"detected circular reference: [{string.Join(" -> ", path)}]");
            }

            path.Add(key);
            foreach (var next in _nodes[key].NextNodes())
            {
                Visit(next);
            }

            path.RemoveAt(path.Count - 1);
        }

        Visit(_startNode);
    }

    /// <summary>A split leading to another splitter is replaced by that splitter's splits, weights multiplied.</summary>
    private void FlattenAdjacentSplitters()
    {
        bool changed;
        do
        {
            changed = false;
            foreach (var node in _nodes.Values.Where(n => n.Type == DiscoveryGraphNodeType.Splitter))
            {
                if (!node.Splits.Any(split => _nodes[split.NextNode].Type == DiscoveryGraphNodeType.Splitter))
                {
                    continue;
                }

                var flattened = new List<DiscoverySplit>();
                foreach (var split in node.Splits)
                {
                    var next = _nodes[split.NextNode];
                    if (next.Type != DiscoveryGraphNodeType.Splitter)
                    {
                        flattened.Add(split);
                        continue;
                    }

                    foreach (var inner in next.Splits)
                    {
                        var weight = ServiceSplitterKind.NormalizeWeight((float)split.Weight * (float)inner.Weight / 100f);
                        flattened.Add(new DiscoverySplit(SplitDefinitions.MergeParent(inner.Definition, split.Definition), weight, inner.NextNode));
                    }
                }

                node.Splits.Clear();
                node.Splits.AddRange(flattened);
                changed = true;
            }
        }
        while (changed);
    }

    private void RemoveUnusedNodes()
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var todo = new Stack<string>([_startNode]);
        while (todo.TryPop(out var key))
        {
            if (visited.Add(key))
            {
                foreach (var next in _nodes[key].NextNodes())
                {
                    todo.Push(next);
                }
            }
        }

        foreach (var key in _nodes.Keys.Where(key => !visited.Contains(key)).ToList())
        {
            _nodes.Remove(key);
        }
    }

    /// <summary>No routing, no splitting, and the default resolver of the chain's own service (not a redirect's).</summary>
    private bool IsDefaultChain()
    {
        var start = _nodes[_startNode];
        if (start.Type != DiscoveryGraphNodeType.Resolver || !start.Resolver!.Default)
        {
            return false;
        }

        var target = _targets[start.Resolver.Target];
        return target.Service == _request.ServiceName && target.Namespace == _request.EvaluateInNamespace
               && target.Partition == _request.EvaluateInPartition;
    }

    /// <summary>8 hex characters of a SHA-256 over the overrides that changed the result; empty when none did.</summary>
    private string CustomizationHash()
    {
        if (!_customizedMeshGateway && !_customizedProtocol && !_customizedConnectTimeout)
        {
            return string.Empty;
        }

        var text = string.Join('\n',
            "OverrideMeshGateway.Mode=" + (_customizedMeshGateway ? _request.OverrideMeshGateway : string.Empty),
            "OverrideProtocol=" + (_customizedProtocol ? _request.OverrideProtocol : string.Empty),
            "OverrideConnectTimeout=" + (_customizedConnectTimeout ? _request.OverrideConnectTimeout.Ticks : 0));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
    }

    private static bool IsDefault(ServiceResolverEntry resolver)
        => string.IsNullOrEmpty(resolver.DefaultSubset) && resolver.Subsets is not { Count: > 0 } && resolver.Redirect is null
           && resolver.Failover is not { Count: > 0 } && Duration(resolver.ConnectTimeout) == TimeSpan.Zero
           && Duration(resolver.RequestTimeout) == TimeSpan.Zero && resolver.LoadBalancer is null;

    private static bool IsHashBased(LoadBalancer? balancer) => balancer?.Policy is "ring_hash" or "maglev";

    private static TimeSpan Duration(string? text) => GoDuration.TryParse(text, out var value) ? value : TimeSpan.Zero;

    private static string Or(string? value, string fallback) => string.IsNullOrEmpty(value) ? fallback : value;

    /// <summary>Consul's <c>DiscoveryTargetOpts</c>.</summary>
    private readonly record struct TargetOptions(
        string Service, string Subset = "", string Namespace = "", string Partition = "", string Datacenter = "", string Peer = "");
}
