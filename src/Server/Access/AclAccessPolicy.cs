using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Acl.Resolution;
using Mesh.Config.Access;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.State;

namespace Mesh.Server.Access;

/// <summary>
/// ACLs on: resolves the request's secret (or <c>acl.tokens.default</c>, else the anonymous token) against the
/// store through one <see cref="AuthorizerCache"/> per server, fed by the FSM's applied notification, and decides
/// with Consul's precedence. Unknown or expired secrets get <c>ACL not found</c>.
/// </summary>
public sealed class AclAccessPolicy : IAccessPolicy
{
    private readonly StateMachine _fsm;
    private readonly AuthorizerCache _cache;
    private readonly AgentTokenStore _tokens;

    /// <param name="tokens">The agent's tokens (<c>acl.tokens.default</c> may change at run time); null reads them from <paramref name="config"/>.</param>
    public AclAccessPolicy(StateMachine fsm, AclConfig config, string datacenter, TimeProvider? clock = null, AgentTokenStore? tokens = null)
    {
        ArgumentNullException.ThrowIfNull(fsm);
        ArgumentNullException.ThrowIfNull(config);
        _fsm = fsm;
        _tokens = tokens ?? new AgentTokenStore(config.Tokens, persistencePath: null);
        _cache = new AuthorizerCache(new AclResolverOptions { DefaultPolicy = config.DefaultPolicy, Datacenter = datacenter }, clock);
    }

    public bool Enabled => true;

    /// <summary>The token a request stands for: its own secret, else the agent's default token, else anonymous.</summary>
    public TokenResolution Resolve(RequestToken token) => Resolve(_fsm.Current, token);

    public TokenResolution Resolve(StoreState state, RequestToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _cache.Resolve(state, token.IsAnonymous ? _tokens.Default : token.SecretId);
    }

    public string? Authenticate(RequestToken token) => token.IsServer || Resolve(token).Found ? null : PermissionDeniedMessage.AclNotFound;

    public string? Check(RequestToken token, AclResource resource, string name, AclAccess access)
        => token.IsServer ? null : Resolve(token).Authorizer is { } authorizer ? Decide(authorizer, resource, name, access) : PermissionDeniedMessage.AclNotFound;

    public IAccessDecisions DecisionsFor(RequestToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.IsServer)
        {
            return AllowAllDecisions.Instance;
        }

        return Resolve(token).Authorizer is { } authorizer ? new AuthorizerDecisions(authorizer) : DenyAllDecisions.Instance;
    }

    public string? CheckForwarded(RequestToken token, Command command)
    {
        if (token.IsServer)
        {
            return null;
        }

        var state = _fsm.Current;
        if (Resolve(state, token).Authorizer is not { } authorizer)
        {
            return PermissionDeniedMessage.AclNotFound;
        }

        foreach (var required in CommandPermissions.Of(command, state))
        {
            if (Decide(authorizer, required.Resource, required.Name, required.Access) is { } denied)
            {
                return denied;
            }
        }

        return null;
    }

    /// <summary>Null when the authorizer allows it, else Consul's detailed refusal.</summary>
    public static string? Decide(Authorizer authorizer, AclResource resource, string name, AclAccess access)
    {
        ArgumentNullException.ThrowIfNull(authorizer);
        return Allowed(authorizer, resource, name, access) ? null : authorizer.DeniedMessage(PermissionOf(resource, name, access));
    }

    /// <summary>The authorizer's answer alone (no refusal text is built: filtering a list denies many rows).</summary>
    public static bool Allowed(Authorizer authorizer, AclResource resource, string name, AclAccess access)
    {
        ArgumentNullException.ThrowIfNull(authorizer);
        var write = access == AclAccess.Write;
        return resource switch
        {
            AclResource.Service => write ? authorizer.ServiceWrite(name) : authorizer.ServiceRead(name),
            AclResource.Node => write ? authorizer.NodeWrite(name) : authorizer.NodeRead(name),
            AclResource.Agent => write ? authorizer.AgentWrite(name) : authorizer.AgentRead(name),
            AclResource.Intention => write ? authorizer.IntentionWrite(name) : authorizer.IntentionRead(name),
            AclResource.Operator => write ? authorizer.OperatorWrite() : authorizer.OperatorRead(),
            AclResource.Mesh => write ? authorizer.MeshWrite() : authorizer.MeshRead(),
            AclResource.Acl => write ? authorizer.AclWrite() : authorizer.AclRead(),
            _ => false,
        };
    }

    private static Permission PermissionOf(AclResource resource, string name, AclAccess access)
    {
        var write = access == AclAccess.Write;
        return resource switch
        {
            AclResource.Service => write ? Permission.ServiceWrite(name) : Permission.ServiceRead(name),
            AclResource.Node => write ? Permission.NodeWrite(name) : Permission.NodeRead(name),
            AclResource.Agent => write ? Permission.AgentWrite(name) : Permission.AgentRead(name),
            AclResource.Intention => write ? Permission.IntentionWrite(name) : Permission.IntentionRead(name),
            AclResource.Operator => write ? Permission.OperatorWrite : Permission.OperatorRead,
            AclResource.Mesh => write ? Permission.MeshWrite : Permission.MeshRead,
            AclResource.Acl => write ? Permission.AclWrite : Permission.AclRead,
            _ => Permission.OperatorWrite,
        };
    }

    private sealed class AuthorizerDecisions(Authorizer authorizer) : IAccessDecisions
    {
        public bool Allows(AclResource resource, string name, AclAccess access) => Allowed(authorizer, resource, name, access);
    }

    /// <summary>An unknown or expired token: nothing is readable.</summary>
    private sealed class DenyAllDecisions : IAccessDecisions
    {
        public static DenyAllDecisions Instance { get; } = new();

        public bool Allows(AclResource resource, string name, AclAccess access) => false;
    }
}
