namespace Mesh.Fsm.Model.Acl;

/// <summary>Consul's built-in ACL IDs and policies (<c>agent/structs/acl.go</c>).</summary>
public static class AclBuiltins
{
    /// <summary>Generated policy IDs never start with this; it is reserved for built-ins.</summary>
    public const string ReservedIdPrefix = "00000000-0000-0000-0000-0000000000";

    public const string ManagementPolicyId = "00000000-0000-0000-0000-000000000001";

    public const string ManagementPolicyName = "global-management";

    public const string ManagementPolicyDescription = "Builtin Policy that grants unlimited access";

    public const string ReadOnlyPolicyId = "00000000-0000-0000-0000-000000000002";

    public const string ReadOnlyPolicyName = "builtin/global-read-only";

    public const string ReadOnlyPolicyDescription = "Builtin Policy that grants unlimited read-only access to all components";

    /// <summary>The anonymous token's accessor: the same string as the read-only policy ID, in another table.</summary>
    public const string AnonymousTokenAccessorId = "00000000-0000-0000-0000-000000000002";

    public const string AnonymousTokenSecret = "anonymous";

    public const string AnonymousTokenDescription = "Anonymous Token";

    public const string BootstrapTokenDescription = "Bootstrap Token (Global Management)";

    public const string InitialManagementTokenDescription = "Initial Management Token";

    public const string ManagementRules = """
        acl = "write"
        agent_prefix "" {
          policy = "write"
        }
        event_prefix "" {
          policy = "write"
        }
        key_prefix "" {
          policy = "write"
        }
        keyring = "write"
        node_prefix "" {
          policy = "write"
        }
        operator = "write"
        mesh = "write"
        peering = "write"
        query_prefix "" {
          policy = "write"
        }
        service_prefix "" {
          policy = "write"
          intentions = "write"
        }
        session_prefix "" {
          policy = "write"
        }
        """;

    public const string ReadOnlyRules = """
        acl = "read"
        agent_prefix "" {
          policy = "read"
        }
        event_prefix "" {
          policy = "read"
        }
        key_prefix "" {
          policy = "read"
        }
        keyring = "read"
        node_prefix "" {
          policy = "read"
        }
        operator = "read"
        mesh = "read"
        peering = "read"
        query_prefix "" {
          policy = "read"
        }
        service_prefix "" {
          policy = "read"
          intentions = "read"
        }
        session_prefix "" {
          policy = "read"
        }
        """;

    public static AclPolicy ManagementPolicy { get; } = new()
    {
        Id = ManagementPolicyId,
        Name = ManagementPolicyName,
        Description = ManagementPolicyDescription,
        Rules = ManagementRules,
    };

    public static AclPolicy ReadOnlyPolicy { get; } = new()
    {
        Id = ReadOnlyPolicyId,
        Name = ReadOnlyPolicyName,
        Description = ReadOnlyPolicyDescription,
        Rules = ReadOnlyRules,
    };

    public static bool IsBuiltinPolicyId(string id) => id is ManagementPolicyId or ReadOnlyPolicyId;
}
