using Mesh.Config.Access;
using Mesh.Fsm.Model;
using Mesh.Server;
using Mesh.Server.Access;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Http;

/// <summary>
/// Consul's result filtering for one read: entries the token may not read are dropped (the request still answers
/// 200), and when anything was dropped for a request that carried a token the response says so with
/// <c>X-Consul-Results-Filtered-By-ACLs: true</c>. With ACLs disabled every predicate is true and costs nothing.
/// </summary>
public sealed class AclReadFilter
{
    public const string FilteredHeader = "X-Consul-Results-Filtered-By-ACLs";

    private readonly HttpContext _context;
    private readonly IAccessPolicy _access;
    private readonly RequestToken _token;
    private IAccessDecisions? _decisions;

    private AclReadFilter(HttpContext context, IAccessPolicy access)
    {
        _context = context;
        _access = access;
        _token = HttpRequestToken.Of(context);
    }

    public static AclReadFilter For(HttpContext context, ServerRuntime server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new AclReadFilter(context, server.Access);
    }

    /// <summary>Read access to one named resource (a config entry's governing resource, for instance).</summary>
    public bool Read(AclResource resource, string name) => Keep(resource, name);

    public bool Service(string name) => Keep(AclResource.Service, name);

    public bool Node(string name) => Keep(AclResource.Node, name);

    public bool Intention(string destination) => Keep(AclResource.Intention, destination);

    /// <summary>A service instance is visible with service:read on it and node:read on its node (Consul's filterServiceNodes).</summary>
    public bool Instance(string node, string service) => Service(service) && Node(node);

    /// <summary>A check belongs to its service (service:read) or, for a node check, to its node (node:read).</summary>
    public bool Check(HealthCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return check.ServiceName.Length > 0 ? Service(check.ServiceName) : Node(check.Node);
    }

    private bool Keep(AclResource resource, string name)
    {
        // The token is resolved once per request (a blocking query re-filters with the same decisions: a token
        // revoked meanwhile is refused on the client's next request, as in Consul).
        if (!_access.Enabled || (_decisions ??= _access.DecisionsFor(_token)).Allows(resource, name, AclAccess.Read))
        {
            return true;
        }

        if (!_token.IsAnonymous)
        {
            _context.Response.Headers[FilteredHeader] = "true";
        }

        return false;
    }
}
