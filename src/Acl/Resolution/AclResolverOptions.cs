using Mesh.Acl.Authorization;

namespace Mesh.Acl.Resolution;

/// <summary>How tokens resolve on this server: the default policy, the local datacenter (for datacenter-scoped policies and identities) and the cache bound.</summary>
public sealed record AclResolverOptions
{
    public AclDefaultPolicy DefaultPolicy { get; init; } = AclDefaultPolicy.Allow;

    public string Datacenter { get; init; } = "dc1";

    /// <summary>Compiled authorizers kept per ACL version; past this the cache starts over (bounded memory under secret spraying).</summary>
    public int MaxCachedTokens { get; init; } = 10_000;
}
