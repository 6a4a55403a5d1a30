using Mesh.Api.Contracts;
using Mesh.Api.Http;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Server;

namespace Mesh.Api.Translation;

/// <summary><c>PUT /v1/catalog/register</c> and <c>/deregister</c> bodies as commands (Consul's Catalog.Register checks).</summary>
public static class CatalogRegistration
{
    public static RegisterCommand ToCommand(RegisterRequestBody body, AgentIdentity self)
    {
        var node = body.Node ?? string.Empty;
        if (node.Length == 0)
        {
            throw ApiException.BadRequest("Must provide node (Node)");
        }

        if (string.IsNullOrEmpty(body.Address) && !body.SkipNodeUpdate)
        {
            throw ApiException.BadRequest("Must provide address (Address)");
        }

        CheckDatacenter(body.Datacenter, self);
        if (!string.IsNullOrEmpty(body.Id) && !Guid.TryParse(body.Id, out _))
        {
            throw ApiException.BadRequest($"Invalid node ID \"{body.Id}\": must be a UUID");
        }

        var service = body.Service is null ? null : ServiceTranslation.ToService(body.Service);
        var checks = new List<HealthCheck>();
        if (body.Check is not null)
        {
            checks.Add(CheckTranslation.FromCatalog(body.Check, node));
        }

        foreach (var check in body.Checks ?? [])
        {
            checks.Add(CheckTranslation.FromCatalog(check, node));
        }

        var duplicate = checks.GroupBy(c => c.CheckId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw ApiException.BadRequest($"Duplicate check ID \"{duplicate.Key}\" in one registration");
        }

        return new RegisterCommand
        {
            Node = node,
            NodeId = body.Id?.ToLowerInvariant() ?? string.Empty,
            Address = body.Address ?? string.Empty,
            Datacenter = self.Datacenter,
            TaggedAddresses = EmptyMap.Sorted<string>(body.TaggedAddresses),
            NodeMeta = ServiceTranslation.ValidateMeta(body.NodeMeta),
            Service = service,
            Checks = checks,
            SkipNodeUpdate = body.SkipNodeUpdate,
        };
    }

    public static DeregisterCommand ToCommand(DeregisterBody body, AgentIdentity self)
    {
        if (string.IsNullOrEmpty(body.Node))
        {
            throw ApiException.BadRequest("Must provide node (Node)");
        }

        CheckDatacenter(body.Datacenter, self);
        if (!string.IsNullOrEmpty(body.ServiceId) && !string.IsNullOrEmpty(body.CheckId))
        {
            throw ApiException.BadRequest("Give either ServiceID or CheckID, not both");
        }

        return new DeregisterCommand
        {
            Node = body.Node,
            ServiceId = string.IsNullOrEmpty(body.ServiceId) ? null : body.ServiceId,
            CheckId = string.IsNullOrEmpty(body.CheckId) ? null : body.CheckId,
        };
    }

    public static void CheckDatacenter(string? datacenter, AgentIdentity self)
    {
        if (!self.IsLocalDatacenter(datacenter))
        {
            throw ApiException.BadRequest($"No path to datacenter \"{datacenter}\": this cluster serves only \"{self.Datacenter}\"");
        }
    }
}
