using Mesh.Config.Access;

namespace Mesh.Config.ConfigEntries;

/// <summary>
/// <c>terminating-gateway</c>: the services (or <c>*</c>) a terminating gateway represents, with the TLS it originates.
/// A linked service need not exist yet (it goes live when it registers). Writes need mesh:write; reads service:read.
/// </summary>
public sealed class TerminatingGatewayKind : ConfigEntryKind<TerminatingGatewayEntry>
{
    public const string KindName = "terminating-gateway";

    public override string Kind => KindName;

    public override AclResource Resource => AclResource.Mesh;

    public override AclResource ReadResource => AclResource.Service;

    protected override TerminatingGatewayEntry Normalize(TerminatingGatewayEntry entry) => entry;

    protected override void Validate(TerminatingGatewayEntry entry)
    {
        if (string.IsNullOrEmpty(entry.Name))
        {
            throw Fail("Name is required");
        }

        ConfigMeta.Validate(entry.Meta);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in entry.Services ?? [])
        {
            if (string.IsNullOrEmpty(service.Name))
            {
                throw Fail("Service name cannot be blank.");
            }

            if (!seen.Add(service.Name))
            {
                throw Fail($"Service \"{service.Name}\" was specified more than once within a namespace");
            }

            var clientCert = !string.IsNullOrEmpty(service.CertFile) || !string.IsNullOrEmpty(service.KeyFile);
            if (clientCert && (string.IsNullOrEmpty(service.CaFile) || string.IsNullOrEmpty(service.CertFile) || string.IsNullOrEmpty(service.KeyFile)))
            {
                throw Fail($"Service \"{service.Name}\" must have a CertFile, CAFile, and KeyFile specified for TLS origination");
            }
        }
    }

    protected override TerminatingGatewayEntry WithoutEnvelope(TerminatingGatewayEntry entry)
        => entry with { Kind = null, Name = null, Hash = null, CreateIndex = null, ModifyIndex = null };
}
