using Mesh.Config.Access;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>http-route</c>: writes need mesh:write, reads mesh:read (Consul's <c>CanRead</c>/<c>CanWrite</c>).</summary>
public sealed class HttpRouteKind : ConfigEntryKind<HttpRouteEntry>
{
    public const string KindName = "http-route";

    public override string Kind => KindName;

    public override AclResource Resource => AclResource.Mesh;

    protected override HttpRouteEntry Normalize(HttpRouteEntry entry) => entry with
    {
        Status = new(),
        Parents = RouteValidation.NormalizeParents(entry.Parents),
        Rules = entry.Rules?.Select(rule => rule with
        {
            Filters = rule.Filters ?? new(),
            Matches = rule.Matches?.Select(RouteValidation.NormalizeMatch).ToList(),
            Services = rule.Services?.Select(service => service with
            {
                Weight = service.Weight <= 0 ? 1 : service.Weight,
                Filters = service.Filters ?? new(),
            }).ToList(),
        }).ToList(),
    };

    protected override void Validate(HttpRouteEntry entry)
    {
        if (string.IsNullOrEmpty(entry.Name))
        {
            throw Fail("Name is required");
        }

        foreach (var host in entry.Hostnames ?? [])
        {
            if (!DomainName.IsValid(host))
            {
                throw Fail($"host \"{host}\" must be a valid DNS hostname");
            }

            if (host.Contains('*', StringComparison.Ordinal))
            {
                throw Fail($"host \"{host}\" must not be a wildcard");
            }
        }

        RouteValidation.Parents(entry.Parents);
        ConfigMeta.Validate(entry.Meta);
        var rules = entry.Rules ?? [];
        for (var i = 0; i < rules.Count; i++)
        {
            RouteValidation.Rule(rules[i], i);
        }
    }

    protected override HttpRouteEntry WithoutEnvelope(HttpRouteEntry entry)
        => entry with { Kind = null, Name = null, Hash = null, CreateIndex = null, ModifyIndex = null };
}
