using Mesh.Acl.Rules;

namespace Mesh.Acl.Authorization;

/// <summary>
/// One token's compiled permissions, chained to the agent's default policy: a rule that matches decides, no match
/// falls to <see cref="DefaultPolicy"/>. Immutable and thread-safe; build with <see cref="AuthorizerCompiler"/> and
/// reuse (cached per token by <see cref="Resolution.AuthorizerCache"/>). Lookups allocate nothing.
/// </summary>
public sealed class Authorizer
{
    private readonly RuleTable[] _tables;
    private readonly AccessLevel[] _scalars;

    internal Authorizer(string? accessorId, AclDefaultPolicy defaultPolicy, RuleTable[] tables, AccessLevel[] scalars)
    {
        AccessorId = accessorId;
        DefaultPolicy = defaultPolicy;
        _tables = tables;
        _scalars = scalars;
    }

    /// <summary>The token's AccessorID, for messages and audit (null for a synthetic authorizer).</summary>
    public string? AccessorId { get; }

    public AclDefaultPolicy DefaultPolicy { get; }

    /// <summary>An authorizer with no rules: everything gets the default policy (ACLs enabled, anonymous token without policies).</summary>
    public static Authorizer WithoutRules(AclDefaultPolicy defaultPolicy, string? accessorId = null)
        => AuthorizerCompiler.Compile(accessorId, [], defaultPolicy);

    /// <summary>The token's own decision, before the default policy.</summary>
    public EnforcementDecision Decide(Permission permission)
    {
        AccessLevel level;
        if (permission.Resource.IsScalar())
        {
            level = _scalars[(int)permission.Resource];

            // mesh and peering follow operator unless set themselves.
            if (level == AccessLevel.Default && permission.Resource is AclResource.Mesh or AclResource.Peering)
            {
                level = _scalars[(int)AclResource.Operator];
            }
        }
        else
        {
            level = _tables[(int)permission.Resource].Lookup(permission.Name);
        }

        return Enforce(level, permission.Level);
    }

    /// <summary>The final answer: the token's decision, or the default policy when no rule matched.</summary>
    public bool Allows(Permission permission) => Final(Decide(permission));

    /// <summary>Consul's message for a refusal of <paramref name="permission"/> to this token.</summary>
    public string DeniedMessage(Permission permission) => PermissionDeniedMessage.For(AccessorId, permission);

    public bool ServiceRead(string name) => Allows(Permission.ServiceRead(name));

    public bool ServiceWrite(string name) => Allows(Permission.ServiceWrite(name));

    /// <summary><c>service:write</c> on at least one service (some rule grants it, else the default policy).</summary>
    public bool ServiceWriteAny() => Final(AnyAllowed(AclResource.Service, AccessLevel.Write));

    /// <summary><c>service:read</c> on every service: no rule refuses it (a <c>""</c> prefix rule grants it, else the default policy).</summary>
    public bool ServiceReadAll() => Final(AllAllowed(AclResource.Service, AccessLevel.Read));

    /// <summary><c>intentions = "read"</c> on the destination; "*" means any destination the token can read.</summary>
    public bool IntentionRead(string destination)
        => destination == "*" ? Final(AnyAllowed(AclResource.Intention, AccessLevel.Read)) : Allows(Permission.IntentionRead(destination));

    /// <summary><c>intentions = "write"</c> on the destination; "*" needs write on every destination.</summary>
    public bool IntentionWrite(string destination)
        => destination == "*" ? Final(AllAllowed(AclResource.Intention, AccessLevel.Write)) : Allows(Permission.IntentionWrite(destination));

    public bool NodeRead(string name) => Allows(Permission.NodeRead(name));

    public bool NodeWrite(string name) => Allows(Permission.NodeWrite(name));

    public bool NodeReadAll() => Final(AllAllowed(AclResource.Node, AccessLevel.Read));

    public bool AgentRead(string node) => Allows(Permission.AgentRead(node));

    public bool AgentWrite(string node) => Allows(Permission.AgentWrite(node));

    public bool KeyRead(string key) => Allows(Permission.KeyRead(key));

    public bool KeyList(string prefix) => Allows(Permission.KeyList(prefix));

    public bool KeyWrite(string key) => Allows(Permission.KeyWrite(key));

    /// <summary>Recursive delete: write over the prefix and no rule beneath it granting less than write.</summary>
    public bool KeyWritePrefix(string prefix)
    {
        var table = _tables[(int)AclResource.Key];
        var above = table.LookupPrefix(prefix);
        if (above != AccessLevel.Default && above != AccessLevel.Write)
        {
            return false;
        }

        foreach (var (label, _, level) in table.All)
        {
            if (label.StartsWith(prefix, StringComparison.Ordinal) && level != AccessLevel.Write)
            {
                return false;
            }
        }

        return above == AccessLevel.Write || DefaultPolicy == AclDefaultPolicy.Allow;
    }

    public bool SessionRead(string node) => Allows(Permission.SessionRead(node));

    public bool SessionWrite(string node) => Allows(Permission.SessionWrite(node));

    public bool EventRead(string name) => Allows(Permission.EventRead(name));

    public bool EventWrite(string name) => Allows(Permission.EventWrite(name));

    public bool QueryRead(string name) => Allows(Permission.QueryRead(name));

    public bool QueryWrite(string name) => Allows(Permission.QueryWrite(name));

    public bool AclRead() => Allows(Permission.AclRead);

    public bool AclWrite() => Allows(Permission.AclWrite);

    public bool OperatorRead() => Allows(Permission.OperatorRead);

    public bool OperatorWrite() => Allows(Permission.OperatorWrite);

    public bool MeshRead() => Allows(Permission.MeshRead);

    public bool MeshWrite() => Allows(Permission.MeshWrite);

    public bool PeeringRead() => Allows(Permission.PeeringRead);

    public bool PeeringWrite() => Allows(Permission.PeeringWrite);

    public bool KeyringRead() => Allows(Permission.KeyringRead);

    public bool KeyringWrite() => Allows(Permission.KeyringWrite);

    private bool Final(EnforcementDecision decision)
        => decision == EnforcementDecision.Allow || (decision == EnforcementDecision.Default && DefaultPolicy == AclDefaultPolicy.Allow);

    /// <summary>Consul's <c>enforce</c>: write allows everything, list allows list and read, read allows read, deny stops.</summary>
    private static EnforcementDecision Enforce(AccessLevel granted, AccessLevel required) => granted switch
    {
        AccessLevel.Default => EnforcementDecision.Default,
        AccessLevel.Deny => EnforcementDecision.Deny,
        _ => granted.Allows(required) ? EnforcementDecision.Allow : EnforcementDecision.Deny,
    };

    private EnforcementDecision AnyAllowed(AclResource resource, AccessLevel required)
    {
        foreach (var (_, _, level) in _tables[(int)resource].All)
        {
            if (level.Allows(required))
            {
                return EnforcementDecision.Allow;
            }
        }

        return EnforcementDecision.Default;
    }

    private EnforcementDecision AllAllowed(AclResource resource, AccessLevel required)
    {
        var table = _tables[(int)resource];
        foreach (var (_, _, level) in table.All)
        {
            if (!level.Allows(required))
            {
                return EnforcementDecision.Deny;
            }
        }

        // Every rule allows; names no rule covers get the "" prefix rule if there is one, else the default policy.
        return Enforce(table.LookupPrefix(string.Empty), required);
    }
}
