using Mesh.Config.Access;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>inline-certificate</c>: a key pair for api-gateway listeners. Writes mesh:write, reads mesh:read.</summary>
public sealed class InlineCertificateKind : ConfigEntryKind<InlineCertificateEntry>
{
    public const string KindName = "inline-certificate";

    public override string Kind => KindName;

    public override AclResource Resource => AclResource.Mesh;

    protected override InlineCertificateEntry Normalize(InlineCertificateEntry entry)
        => entry with { Certificate = entry.Certificate ?? string.Empty, PrivateKey = entry.PrivateKey ?? string.Empty };

    protected override void Validate(InlineCertificateEntry entry)
    {
        if (string.IsNullOrEmpty(entry.Name))
        {
            throw Fail("Name is required");
        }

        ConfigMeta.Validate(entry.Meta);
        CertificateKeyPair.Validate(entry.Certificate ?? string.Empty, entry.PrivateKey ?? string.Empty);
    }

    protected override InlineCertificateEntry WithoutEnvelope(InlineCertificateEntry entry)
        => entry with { Kind = null, Name = null, Hash = null, CreateIndex = null, ModifyIndex = null };
}
