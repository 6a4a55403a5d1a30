using Mesh.Acl.Authorization;

namespace Mesh.Acl;

/// <summary>
/// The agent's <c>acl { ... }</c> block, plus the server-side token limits Consul keeps in its server config.
/// <see cref="ToString"/> leaves the token secrets out so configuration dumps and logs cannot leak them.
/// </summary>
public sealed record AclConfig
{
    public bool Enabled { get; init; }

    public AclDefaultPolicy DefaultPolicy { get; init; } = AclDefaultPolicy.Allow;

    /// <summary>"allow", "deny", "extend-cache" (default) or "async-cache".</summary>
    public string DownPolicy { get; init; } = "extend-cache";

    public bool EnableTokenPersistence { get; init; }

    public AclAgentTokens Tokens { get; init; } = new();

    /// <summary>Shortest <c>ExpirationTTL</c> a token may be created with (Consul's <c>ACLTokenMinExpirationTTL</c>, 1m).</summary>
    public TimeSpan TokenMinExpirationTtl { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest <c>ExpirationTTL</c> a token may be created with (Consul's <c>ACLTokenMaxExpirationTTL</c>, 24h).</summary>
    public TimeSpan TokenMaxExpirationTtl { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How often the leader looks for expired tokens to delete. An expired token stops resolving at its expiry on every
    /// server regardless; the reaper only removes the row. Short in tests.
    /// </summary>
    public TimeSpan TokenReapInterval { get; init; } = TimeSpan.FromSeconds(30);

    public static bool IsDownPolicy(string value) => value is "allow" or "deny" or "extend-cache" or "async-cache";

    public override string ToString()
        => $"AclConfig {{ Enabled = {Enabled}, DefaultPolicy = {DefaultPolicy}, DownPolicy = {DownPolicy}, EnableTokenPersistence = {EnableTokenPersistence} }}";
}

/// <summary><c>acl.tokens</c>: secrets the agent uses. Never logged (see <see cref="ToString"/>).</summary>
public sealed record AclAgentTokens
{
    /// <summary>Secret of the management token servers create when they gain leadership (old name <c>master</c>).</summary>
    public string? InitialManagement { get; init; }

    /// <summary>The agent's own token (node registration, anti-entropy); falls back to <see cref="Default"/>.</summary>
    public string? Agent { get; init; }

    /// <summary>Used for requests that carry no token, instead of the anonymous token.</summary>
    public string? Default { get; init; }

    /// <summary>Local-only recovery token for agent endpoints (old name <c>agent_master</c>).</summary>
    public string? AgentRecovery { get; init; }

    public override string ToString()
        => $"AclAgentTokens {{ InitialManagement = {Set(InitialManagement)}, Agent = {Set(Agent)}, Default = {Set(Default)}, AgentRecovery = {Set(AgentRecovery)} }}";

    private static string Set(string? secret) => string.IsNullOrEmpty(secret) ? "unset" : "set";
}
