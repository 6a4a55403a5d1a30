using Mesh.Api.Contracts;
using Mesh.Api.Http;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Server;

namespace Mesh.Api.Translation;

/// <summary>
/// <c>PUT /v1/agent/service/register</c>: a service definition for this server's node, with its checks and an optional
/// sidecar proxy expanded as Consul's agent does (<c>agent/sidecar_service.go</c>). Everything lands in one atomic batch.
/// </summary>
public static class AgentRegistration
{
    public static BatchCommand ToCommand(ServiceDefinitionBody body, AgentIdentity self, StoreState state, bool replaceExistingChecks)
    {
        var registrations = new List<Command>();
        var parent = Service(body);
        registrations.Add(Register(self, parent, Checks(body, self, parent)));

        if (body.Connect?.SidecarService is { } sidecarBody)
        {
            var sidecar = Sidecar(sidecarBody, parent, self, state);
            registrations.Add(Register(self, sidecar.Service, sidecar.Checks));
        }

        if (replaceExistingChecks)
        {
            // Checks of these services that the new definition no longer lists are removed.
            // A snapshot: the loop appends deregistrations to the list it reads.
            foreach (var register in registrations.Cast<RegisterCommand>().ToList())
            {
                var keep = register.Checks.Select(c => c.CheckId).ToHashSet(StringComparer.Ordinal);
                foreach (var stale in state.ChecksOnNode(self.NodeName).Where(c => c.ServiceId == register.Service!.Id && !keep.Contains(c.CheckId)))
                {
                    registrations.Add(new DeregisterCommand { Node = self.NodeName, CheckId = stale.CheckId });
                }
            }
        }

        return new BatchCommand { Commands = registrations };
    }

    private static RegisterCommand Register(AgentIdentity self, NodeService service, IReadOnlyList<HealthCheck> checks) => new()
    {
        Node = self.NodeName,
        NodeId = self.NodeId,
        Address = self.AdvertiseAddress,
        Datacenter = self.Datacenter,
        Service = service,
        Checks = checks,
        SkipNodeUpdate = true,
    };

    private static NodeService Service(ServiceDefinitionBody body)
    {
        var name = body.Name ?? string.Empty;
        if (name.Length == 0)
        {
            throw ApiException.BadRequest("Missing service name (Name)");
        }

        return ServiceTranslation.Build(body.Kind, body.Id, name, body.Tags, body.Address, body.TaggedAddresses, body.Meta,
            body.Port ?? 0, body.SocketPath, body.Weights, body.EnableTagOverride, body.Proxy, body.Connect);
    }

    private static List<HealthCheck> Checks(ServiceDefinitionBody body, AgentIdentity self, NodeService service)
    {
        var bodies = new List<CheckBody>();
        if (body.Check is not null)
        {
            bodies.Add(body.Check);
        }

        bodies.AddRange(body.Checks ?? []);
        var checks = new List<HealthCheck>();
        for (var i = 0; i < bodies.Count; i++)
        {
            // Consul: "service:<id>" for a single check, "service:<id>:<n>" (1-based) when there are several.
            var defaultId = bodies.Count == 1 ? $"service:{service.Id}" : $"service:{service.Id}:{i + 1}";
            checks.Add(CheckTranslation.FromAgent(bodies[i], self.NodeName, defaultId, $"Service '{service.Service}' check", service.Id));
        }

        var duplicate = checks.GroupBy(c => c.CheckId).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? checks : throw ApiException.BadRequest($"Duplicate check ID \"{duplicate.Key}\" in one registration");
    }

    private static (NodeService Service, List<HealthCheck> Checks) Sidecar(ServiceDefinitionBody body, NodeService parent, AgentIdentity self, StoreState state)
    {
        if (parent.Kind != ServiceKind.Typical)
        {
            throw ApiException.BadRequest("Connect.SidecarService is only valid on a typical service, not on a proxy or gateway");
        }

        if (body.Connect?.SidecarService is not null)
        {
            throw ApiException.BadRequest("A sidecar service cannot itself have a Connect.SidecarService");
        }

        var proxyBody = body.Proxy ?? new ProxyBody();
        proxyBody.DestinationServiceName = string.IsNullOrEmpty(proxyBody.DestinationServiceName) ? parent.Service : proxyBody.DestinationServiceName;
        proxyBody.DestinationServiceId = string.IsNullOrEmpty(proxyBody.DestinationServiceId) ? parent.Id : proxyBody.DestinationServiceId;
        proxyBody.LocalServiceAddress = string.IsNullOrEmpty(proxyBody.LocalServiceAddress) ? "127.0.0.1" : proxyBody.LocalServiceAddress;
        if (proxyBody.LocalServicePort == 0 && string.IsNullOrEmpty(proxyBody.LocalServiceSocketPath))
        {
            proxyBody.LocalServicePort = parent.Port;
        }

        var id = string.IsNullOrEmpty(body.Id) ? $"{parent.Id}-sidecar-proxy" : body.Id;
        var port = body.Port ?? 0;
        if (port == 0 && string.IsNullOrEmpty(body.SocketPath))
        {
            port = state.FindService(self.NodeName, id) is { Port: > 0 } existing ? existing.Port : FreeSidecarPort(self, state, id);
        }

        var service = ServiceTranslation.Build(
            ServiceKind.ConnectProxy, id, string.IsNullOrEmpty(body.Name) ? $"{parent.Service}-sidecar-proxy" : body.Name,
            body.Tags ?? [.. parent.Tags], string.IsNullOrEmpty(body.Address) ? parent.Address : body.Address,
            body.TaggedAddresses, body.Meta ?? parent.Meta.ToDictionary(), port, body.SocketPath, body.Weights,
            body.EnableTagOverride, proxyBody, connect: null);

        var checks = new List<HealthCheck>();
        var explicitChecks = (body.Check is null ? [] : new List<CheckBody> { body.Check }).Concat(body.Checks ?? []).ToList();
        if (explicitChecks.Count > 0)
        {
            for (var i = 0; i < explicitChecks.Count; i++)
            {
                var defaultId = explicitChecks.Count == 1 ? $"service:{id}" : $"service:{id}:{i + 1}";
                checks.Add(CheckTranslation.FromAgent(explicitChecks[i], self.NodeName, defaultId, $"Service '{service.Service}' check", id));
            }
        }
        else
        {
            var address = service.Address.Length > 0 ? service.Address : self.AdvertiseAddress;
            checks.Add(new HealthCheck
            {
                Node = self.NodeName,
                CheckId = $"service:{id}:1",
                Name = "Connect Sidecar Listening",
                Status = HealthStatus.Critical,
                ServiceId = id,
                Type = "tcp",
                Interval = "10s",
                Definition = new CheckDefinition { TCP = $"{FormatHost(address)}:{service.Port}", Interval = "10s" },
            });
            checks.Add(new HealthCheck
            {
                Node = self.NodeName,
                CheckId = $"service:{id}:2",
                Name = $"Connect Sidecar Aliasing {parent.Id}",
                Status = HealthStatus.Critical,
                ServiceId = id,
                Type = "alias",
                Definition = new CheckDefinition { AliasService = parent.Id },
            });
        }

        return (service, checks);
    }

    private static string FormatHost(string address) => address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address;

    /// <summary>The lowest port of the sidecar range that no other service on this node uses.</summary>
    private static int FreeSidecarPort(AgentIdentity self, StoreState state, string sidecarId)
    {
        var used = state.ServicesOnNode(self.NodeName).Where(s => s.Id != sidecarId).Select(s => s.Port).ToHashSet();
        for (var port = self.SidecarMinPort; port <= self.SidecarMaxPort; port++)
        {
            if (!used.Contains(port))
            {
                return port;
            }
        }

        throw ApiException.BadRequest($"No free sidecar port left in {self.SidecarMinPort}-{self.SidecarMaxPort}; give the sidecar a Port");
    }
}
