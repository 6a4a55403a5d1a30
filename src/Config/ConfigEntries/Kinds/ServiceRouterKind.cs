using Mesh.Config.Access;

namespace Mesh.Config.ConfigEntries;

/// <summary>
/// <c>service-router</c>: L7 routes of one service. Methods are upper-cased and durations rewritten in Go's form
/// (<c>10000ms</c> becomes <c>10s</c>), as Consul stores them as <c>time.Duration</c>.
/// </summary>
public sealed class ServiceRouterKind : ConfigEntryKind<ServiceRouterEntry>
{
    public const string KindName = "service-router";

    public override string Kind => KindName;

    public override AclResource Resource => AclResource.Service;

    protected override ServiceRouterEntry Normalize(ServiceRouterEntry entry) => entry with
    {
        Routes = entry.Routes?.Select(route => route with
        {
            Match = route.Match is { Http: { Methods: { } methods } http } match
                ? match with { Http = http with { Methods = [.. methods.Select(m => m.ToUpperInvariant())] } }
                : route.Match,
            Destination = route.Destination is { } destination
                ? destination with
                {
                    RequestTimeout = ServiceRouterValidation.CanonicalDuration(destination.RequestTimeout),
                    IdleTimeout = ServiceRouterValidation.CanonicalDuration(destination.IdleTimeout),
                }
                : null,
        }).ToList(),
    };

    protected override void Validate(ServiceRouterEntry entry) => ServiceRouterValidation.Validate(entry);

    protected override ServiceRouterEntry WithoutEnvelope(ServiceRouterEntry entry)
        => entry with { Kind = null, Name = null, Hash = null, CreateIndex = null, ModifyIndex = null };
}
