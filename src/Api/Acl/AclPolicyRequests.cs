using Mesh.Acl.Rules;
using Mesh.Api.Http;
using Mesh.Fsm.Model.Acl;
using Mesh.Fsm.State;

namespace Mesh.Api.Acl;

/// <summary>
/// Policy and role request bodies to the rows the commands carry: names checked, rules parsed here (a 400 naming the
/// line; the FSM only checks size), links resolved by ID or name, new IDs random UUIDs outside the reserved range.
/// </summary>
public static class AclPolicyRequests
{
    /// <param name="pathId">The ID in the path for an update, null for a create.</param>
    public static AclPolicy Policy(string? pathId, AclPolicyBody body, StoreState state)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(state);
        var id = Id(pathId, body.Id, "Policy", existing => state.FindAclPolicy(existing) is not null, "policy");
        var name = body.Name ?? string.Empty;
        if (name.Length == 0)
        {
            throw ApiException.BadRequest("Invalid Policy: no Name is set");
        }

        if (!AclBuiltins.IsBuiltinPolicyId(id) && !AclNames.IsPolicyName(name))
        {
            throw ApiException.BadRequest("Invalid Policy: invalid Name. Only alphanumeric characters, '-' and '_' are allowed");
        }

        var rules = body.Rules ?? string.Empty;
        if (rules.Length > AclNames.MaxRulesLength)
        {
            throw ApiException.BadRequest($"Invalid Policy: rules are {rules.Length} characters, more than the limit of {AclNames.MaxRulesLength}");
        }

        if (!RulesParser.TryParse(rules, out _, out var error))
        {
            throw ApiException.BadRequest(error!);
        }

        if ((body.Description?.Length ?? 0) > AclNames.MaxDescriptionLength)
        {
            throw ApiException.BadRequest($"Description is longer than {AclNames.MaxDescriptionLength} characters");
        }

        if (body.Datacenters?.Any(string.IsNullOrEmpty) == true)
        {
            throw ApiException.BadRequest("Invalid Policy: Datacenters must be non-empty names");
        }

        return new AclPolicy
        {
            Id = id,
            Name = name,
            Description = body.Description ?? string.Empty,
            Rules = rules,
            Datacenters = body.Datacenters ?? [],
        };
    }

    public static AclRole Role(string? pathId, AclRoleBody body, StoreState state)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(state);
        var id = Id(pathId, body.Id, "Role", existing => state.FindAclRole(existing) is not null, "role");
        var name = body.Name ?? string.Empty;
        if (name.Length == 0)
        {
            throw ApiException.BadRequest("Invalid Role: no Name is set");
        }

        if (!AclNames.IsRoleName(name))
        {
            throw ApiException.BadRequest("Invalid Role: invalid Name. Only alphanumeric characters, '-' and '_' are allowed");
        }

        if ((body.Description?.Length ?? 0) > AclNames.MaxDescriptionLength)
        {
            throw ApiException.BadRequest($"Description is longer than {AclNames.MaxDescriptionLength} characters");
        }

        return new AclRole
        {
            Id = id,
            Name = name,
            Description = body.Description ?? string.Empty,
            Policies = AclLinks.Policies(state, body.Policies),
            ServiceIdentities = AclLinks.ServiceIdentities(body.ServiceIdentities, "role"),
            NodeIdentities = AclLinks.NodeIdentities(body.NodeIdentities, "role"),
            TemplatedPolicies = AclLinks.Templates(body.TemplatedPolicies),
        };
    }

    /// <summary>A path ID: a UUID, else 400 (<c>kind</c> is "policy" or "role").</summary>
    public static string CheckId(string id, string kind)
        => AclNames.IsUuid(id) ? id : throw ApiException.BadRequest($"{char.ToUpperInvariant(kind[0])}{kind[1..]} ID is missing or an invalid UUID");

    private static string Id(string? pathId, string? bodyId, string title, Func<string, bool> exists, string kind)
    {
        if (!string.IsNullOrEmpty(bodyId) && bodyId != pathId)
        {
            throw ApiException.BadRequest($"{title} ID in URL and payload do not match");
        }

        if (pathId is null)
        {
            while (true)
            {
                var id = Guid.NewGuid().ToString();
                if (!exists(id) && !id.StartsWith(AclBuiltins.ReservedIdPrefix, StringComparison.Ordinal))
                {
                    return id;
                }
            }
        }

        return exists(CheckId(pathId, kind)) ? pathId : throw ApiException.NotFound($"Cannot find {kind} {pathId}");
    }
}
