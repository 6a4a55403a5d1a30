using Mesh.Api.Contracts;
using Mesh.Api.Http;
using Mesh.Api.Json;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary>
/// <c>/v1/internal/ui/services</c>: the service summaries the web UI lists, in one blocking query (Consul's UI reads
/// the same endpoint). ACL: like the health endpoints, an instance counts only when the token may read its service
/// and its node; a service with no readable instance is left out (and the response says results were filtered).
/// As Consul's UI lists them, a sidecar proxy is folded into the row of the service it fronts (that row says
/// <c>ConnectedWithProxy</c>); a proxy keeps a row of its own only when no instance of its destination is listed.
/// </summary>
public static class UiServicesEndpoint
{
    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
        => app.MapGet("/v1/internal/ui/services", context => ServicesAsync(context, server));

    private static Task ServicesAsync(HttpContext context, ServerRuntime server)
    {
        var options = Writes.ReadOptions(context, server);
        var acl = AclReadFilter.For(context, server);
        return new BlockingQuery(server, [WatchKeys.Services, WatchKeys.Checks, WatchKeys.Nodes]).RespondAsync<IReadOnlyList<UiServiceSummaryView>>(
            context, options, state => Summaries(state, server.Self.Datacenter, acl), ApiJsonContext.Default.IReadOnlyListUiServiceSummaryView);
    }

    private static List<UiServiceSummaryView> Summaries(StoreState state, string datacenter, AclReadFilter acl)
    {
        var byName = new SortedDictionary<string, Summary>(StringComparer.Ordinal);
        var checksByNode = new Dictionary<string, NodeChecks>(StringComparer.Ordinal); // each node's checks read once
        foreach (var (key, service) in state.Services)
        {
            var node = state.Nodes[key.Node].Name;
            if (!acl.Instance(node, service.Service))
            {
                continue;
            }

            if (!byName.TryGetValue(service.Service, out var summary))
            {
                byName[service.Service] = summary = new Summary(service.Kind);
            }

            if (!checksByNode.TryGetValue(key.Node, out var checks))
            {
                checksByNode[key.Node] = checks = NodeChecks.Of(state.ChecksOnNode(key.Node));
            }

            summary.Add(node, service, checks.For(service.Id));
        }

        // Fold each sidecar proxy into the row of the service it fronts, when that service is listed.
        var folded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, summary) in byName)
        {
            if (summary.Kind != ServiceKind.ConnectProxy || summary.Destinations.Count == 0)
            {
                continue;
            }

            var fronted = summary.Destinations.Where(d => d != name && byName.ContainsKey(d)).ToList();
            foreach (var destination in fronted)
            {
                byName[destination].ConnectedWithProxy = true;
            }

            if (fronted.Count == summary.Destinations.Count)
            {
                folded.Add(name);
            }
        }

        return [.. byName.Where(pair => !folded.Contains(pair.Key)).Select(pair => pair.Value.View(pair.Key, datacenter))];
    }

    /// <summary>One node's checks split into node-level ones and those of each service instance.</summary>
    private sealed class NodeChecks
    {
        private readonly List<HealthCheck> _node = [];
        private readonly Dictionary<string, List<HealthCheck>> _byService = new(StringComparer.Ordinal);

        public static NodeChecks Of(IEnumerable<HealthCheck> checks)
        {
            var split = new NodeChecks();
            foreach (var check in checks)
            {
                if (check.ServiceId.Length == 0)
                {
                    split._node.Add(check);
                }
                else if (split._byService.TryGetValue(check.ServiceId, out var list))
                {
                    list.Add(check);
                }
                else
                {
                    split._byService[check.ServiceId] = [check];
                }
            }

            return split;
        }

        /// <summary>What decides an instance's health: the node's checks and its own (as <c>ChecksForInstance</c>).</summary>
        public IEnumerable<HealthCheck> For(string serviceId)
            => _byService.TryGetValue(serviceId, out var own) ? _node.Concat(own) : _node;
    }

    /// <summary>The running totals of one service name while the instances are walked.</summary>
    private sealed class Summary(string kind)
    {
        private readonly List<string> _tags = [];
        private readonly SortedSet<string> _nodes = new(StringComparer.Ordinal);
        private int _instances;
        private int _passing;
        private int _warning;
        private int _critical;
        private bool _native;

        public string Kind => kind;

        /// <summary>The services a proxy's instances front (<c>Proxy.DestinationServiceName</c>).</summary>
        public SortedSet<string> Destinations { get; } = new(StringComparer.Ordinal);

        public bool ConnectedWithProxy { get; set; }

        public void Add(string node, NodeService service, IEnumerable<HealthCheck> checks)
        {
            _instances++;
            _nodes.Add(node);
            _native |= service.Connect.Native;
            if (service.ConnectDestination is { } destination)
            {
                Destinations.Add(destination);
            }

            foreach (var tag in service.Tags)
            {
                if (!_tags.Contains(tag))
                {
                    _tags.Add(tag);
                }
            }

            foreach (var check in checks)
            {
                switch (check.Status)
                {
                    case HealthStatus.Passing:
                        _passing++;
                        break;
                    case HealthStatus.Warning:
                        _warning++;
                        break;
                    default:
                        _critical++; // critical and maintenance
                        break;
                }
            }
        }

        public UiServiceSummaryView View(string name, string datacenter)
            => new(kind, name, datacenter, _tags, [.. _nodes], _instances, _passing, _warning, _critical, _native, ConnectedWithProxy);
    }
}
