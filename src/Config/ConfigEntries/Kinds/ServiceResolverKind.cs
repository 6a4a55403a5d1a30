using Mesh.Config.Access;

namespace Mesh.Config.ConfigEntries;

/// <summary>
/// <c>service-resolver</c>: which instances satisfy a service (subsets, default subset), redirects, failover, timeouts
/// and load balancing. Durations are stored in Go's form, as Consul stores them as <c>time.Duration</c>.
/// </summary>
public sealed class ServiceResolverKind : ConfigEntryKind<ServiceResolverEntry>
{
    public const string KindName = "service-resolver";

    public override string Kind => KindName;

    public override AclResource Resource => AclResource.Service;

    protected override ServiceResolverEntry Normalize(ServiceResolverEntry entry) => entry with
    {
        ConnectTimeout = ServiceRouterValidation.CanonicalDuration(entry.ConnectTimeout),
        RequestTimeout = ServiceRouterValidation.CanonicalDuration(entry.RequestTimeout),
        LoadBalancer = entry.LoadBalancer is { HashPolicies: { } policies } balancer
            ? balancer with
            {
                HashPolicies = [.. policies.Select(policy => policy.CookieConfig is { } cookie
                    ? policy with { CookieConfig = cookie with { Ttl = ServiceRouterValidation.CanonicalDuration(cookie.Ttl) } }
                    : policy)],
            }
            : entry.LoadBalancer,
    };

    protected override void Validate(ServiceResolverEntry entry) => ServiceResolverValidation.Validate(entry);

    protected override ServiceResolverEntry WithoutEnvelope(ServiceResolverEntry entry)
        => entry with { Kind = null, Name = null, Hash = null, CreateIndex = null, ModifyIndex = null };
}
