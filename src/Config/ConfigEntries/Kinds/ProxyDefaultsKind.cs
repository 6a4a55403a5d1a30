using Mesh.Config.Access;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>proxy-defaults</c>: cluster-wide proxy settings; the only valid name is <c>global</c>.</summary>
public sealed class ProxyDefaultsKind : ConfigEntryKind<ProxyDefaultsEntry>
{
    public const string KindName = "proxy-defaults";
    public const string GlobalName = "global";

    public override string Kind => KindName;

    public override AclResource Resource => AclResource.Mesh;

    public override bool OpenRead => true;

    protected override ProxyDefaultsEntry Normalize(ProxyDefaultsEntry entry)
    {
        // An omitted name means "global", as in Consul; any other name is refused in Validate.
        return entry with
        {
            Name = string.IsNullOrEmpty(entry.Name) ? GlobalName : entry.Name,
            TransparentProxy = entry.TransparentProxy ?? new(),
            MeshGateway = entry.MeshGateway ?? new(),
            Expose = ProxySettingsValidation.Expose(entry.Expose),
            AccessLogs = entry.AccessLogs ?? new(),
        };
    }

    protected override void Validate(ProxyDefaultsEntry entry)
    {
        if (entry.Name != GlobalName)
        {
            throw Fail($"invalid name (\"{entry.Name}\"), only \"{GlobalName}\" is supported");
        }

        if (entry.Config is { } config && !config.Json.StartsWith('{') && config.Json != "null")
        {
            throw Fail("Config must be a JSON object");
        }

        ProxySettingsValidation.Mode(entry.Mode);
        ProxySettingsValidation.TransparentProxy(entry.TransparentProxy);
        ProxySettingsValidation.MutualTlsMode(entry.MutualTlsMode);
        ProxySettingsValidation.MeshGateway(entry.MeshGateway, "MeshGateway");
        ProxySettingsValidation.AccessLogs(entry.AccessLogs);
        ConfigMeta.Validate(entry.Meta);
    }

    protected override ProxyDefaultsEntry WithoutEnvelope(ProxyDefaultsEntry entry)
        => entry with { Kind = null, Name = null, Hash = null, CreateIndex = null, ModifyIndex = null };
}
