using Mesh.Config.Access;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>tcp-route</c>: at most one service; writes need mesh:write, reads mesh:read.</summary>
public sealed class TcpRouteKind : ConfigEntryKind<TcpRouteEntry>
{
    public const string KindName = "tcp-route";

    public override string Kind => KindName;

    public override AclResource Resource => AclResource.Mesh;

    protected override TcpRouteEntry Normalize(TcpRouteEntry entry) => entry with
    {
        Status = new(),
        Parents = RouteValidation.NormalizeParents(entry.Parents),
    };

    protected override void Validate(TcpRouteEntry entry)
    {
        if (string.IsNullOrEmpty(entry.Name))
        {
            throw Fail("Name is required");
        }

        if (entry.Services is { Count: > 1 })
        {
            throw Fail("tcp-route currently only supports one service");
        }

        RouteValidation.Parents(entry.Parents);
        ConfigMeta.Validate(entry.Meta);
    }

    protected override TcpRouteEntry WithoutEnvelope(TcpRouteEntry entry)
        => entry with { Kind = null, Name = null, Hash = null, CreateIndex = null, ModifyIndex = null };
}
